import type { TimerHandle } from "../core/clock.js";
import type { MockForgeError } from "../core/errors.js";
import type { Headers } from "../storage/ports.js";
import { mapSendError, type HttpResponse } from "./send-errors.js";

/**
 * One call, as undici's low-level dispatch handler (`onConnect` … `onComplete`). The
 * `request()` API built a body stream, an async iterator over it and an AbortController per
 * call; a webhook's answer is a few bytes, so that machinery cost more than the answer.
 * The call settles once: by its answer, its error, the caller's abort or the timeout.
 */
export class CallHandler {
  timer: TimerHandle | undefined = undefined;
  clearTimer: () => void = () => undefined;
  unlisten: () => void = () => undefined;
  private abort: ((reason: Error) => void) | null = null;
  private pending: Error | null = null;
  private settled = false;
  private status = 0;
  private headers: Headers = {};
  private chunks: Buffer[] = [];
  private size = 0;
  private responded = false;

  constructor(
    private readonly cap: number,
    private readonly url: string,
    private readonly resolve: (r: HttpResponse) => void,
    private readonly reject: (e: unknown) => void,
  ) {}

  onConnect(abort: (reason: Error) => void): void {
    if (this.settled) return abort(this.pending ?? new Error("settled"));
    this.abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], _resume: () => void): boolean {
    if (statusCode < 200) return true; // 1xx: the final answer follows
    this.status = statusCode;
    this.headers = parseRawHeaders(rawHeaders);
    this.responded = true;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.settled) return false;
    const room = this.cap - this.size;
    if (chunk.length > room) {
      if (room > 0) this.chunks.push(chunk.subarray(0, room));
      // Stop reading: the record keeps only the cap, and the socket is not worth saving.
      this.done(true);
      this.abort?.(new Error("response body over the cap"));
      return false;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    return true;
  }

  onComplete(): void {
    this.done(false);
  }

  onError(err: Error): void {
    if (this.settled) return;
    this.finish();
    this.reject(mapSendError(err, this.url, this.responded ? "response" : "connect"));
  }

  /** Timeout or the caller's abort. */
  fail(reason: MockForgeError): void {
    if (this.settled) return;
    this.pending = reason;
    this.finish();
    this.abort?.(reason);
    this.reject(reason);
  }

  private done(truncated: boolean): void {
    if (this.settled) return;
    this.finish();
    const body = this.chunks.length === 1 ? this.chunks[0]!.toString("utf8") : Buffer.concat(this.chunks).toString("utf8");
    const response: HttpResponse = { status: this.status, headers: this.headers, body, truncated };
    // Handle the answer after the writes queued in this turn: undici sends a request on a
    // reused keep-alive socket from the check phase, so every µs spent here in the poll
    // phase would hold back the webhooks other requests of this turn just triggered.
    setImmediate(this.resolve, response);
  }

  private finish(): void {
    this.settled = true;
    this.clearTimer();
    this.unlisten();
  }
}

/** Response headers as undici's `request()` gave them: lower-case names, latin1 values, repeats as arrays. */
function parseRawHeaders(raw: Buffer[]): Headers {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i]!.toString("latin1").toLowerCase();
    const value = raw[i + 1]!.toString("latin1");
    const seen = Object.hasOwn(out, key) ? out[key] : undefined;
    if (seen === undefined) {
      if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, configurable: true, writable: true });
      else out[key] = value;
    } else if (typeof seen === "string") out[key] = [seen, value];
    else seen.push(value);
  }
  return out as Headers;
}
