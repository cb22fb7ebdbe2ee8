/**
 * The one outbound HTTP client (undici 7). Keep-alive pools per origin come from undici's
 * `Agent`; one agent per connect timeout, because undici fixes that timeout per agent. The
 * total per-call timeout runs on the injected clock so tests drive it with a ManualClock.
 */
import { createRequire } from "node:module";
import type { Agent } from "undici";
import type { Clock, TimerHandle } from "../core/clock.js";
import { MockForgeError } from "../core/errors.js";
import type { Headers, StoredRequest } from "../storage/ports.js";
import { parseUrl } from "./parsed-url.js";

const require = createRequire(import.meta.url);
/** undici, loaded on the first outbound call: a server that sends nothing never pays its ~60 ms import. */
const undici = () => require("undici") as typeof import("undici");

/** Response bodies kept in records are cut here (SPEC: 1 MiB). */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** UTF-8 text, at most `maxResponseBytes`. */
  body: string;
  truncated: boolean;
}

export interface SendOptions {
  /** Whole call: connect, send, headers and body. */
  timeoutMs: number;
  connectTimeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpClient {
  /** Resolves for any HTTP status; rejects with a MockForgeError (CONNECT, TIMEOUT, ABORTED, BAD_REQUEST). */
  send(request: StoredRequest, options: SendOptions): Promise<HttpResponse>;
  /** Closes every pooled connection. Calls made after this reject. */
  close(): Promise<void>;
}

export interface HttpClientOptions {
  clock: Clock;
  maxResponseBytes?: number;
  /** Idle keep-alive sockets are closed after this. Default 4 s (below node's 5 s server default). */
  keepAliveTimeoutMs?: number;
}

/** Framing headers undici computes itself; a user-set (templated) one would corrupt the message. */
const FRAMING_HEADERS = new Set(["content-length", "connection", "keep-alive", "transfer-encoding", "upgrade", "expect"]);

const CONNECT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_FAIL",
  "EAI_NONAME",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "ENETDOWN",
  "EPIPE",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_DESTROYED",
]);
const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT"]);

/** Finds the errno-style code, which undici sometimes keeps on `cause`. */
function errorCode(e: unknown): string | undefined {
  for (let cur = e, i = 0; cur && i < 4; cur = (cur as { cause?: unknown }).cause, i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string" && (CONNECT_CODES.has(code) || TIMEOUT_CODES.has(code))) return code;
  }
  const first = (e as { code?: unknown } | undefined)?.code;
  return typeof first === "string" ? first : undefined;
}

/**
 * Turns whatever undici or the socket threw into a catalogue error that says what to check.
 * The message is about the attempt, not the request: every place that shows it (an attempt
 * record beside its request, a chain link, a script's call, a delivery's `lastError` in a list
 * with its URL) already names the method and URL, so putting the URL here printed it twice
 * (`POST http://…: http://…: connection refused`).
 */
export function mapSendError(e: unknown, url: string, phase: "connect" | "response"): MockForgeError {
  if (e instanceof MockForgeError) return e;
  const code = errorCode(e);
  const msg = (e as Error)?.message ?? String(e);
  const host = safeHost(url);
  if (code && TIMEOUT_CODES.has(code)) {
    return new MockForgeError("MFG_ERR_DELIVERY_TIMEOUT", `timed out (${code})`, { hint: "Is the receiver up and answering?", cause_code: code }, { cause: e });
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_FAIL" || code === "EAI_NONAME") {
    return new MockForgeError("MFG_ERR_DELIVERY_CONNECT", `host '${host}' could not be resolved (${code})`, {
      hint: "Check the host name in the URL.",
      cause_code: code,
    }, { cause: e });
  }
  if (code === "UND_ERR_INVALID_ARG" || code === "ERR_INVALID_URL" || code === "ERR_INVALID_ARG_TYPE" || code === "ERR_INVALID_CHAR") {
    return new MockForgeError("MFG_ERR_BAD_REQUEST", `the request cannot be sent as built: ${msg}`, {
      hint: "Check the method and header names/values after templating.",
      cause_code: code,
    }, { cause: e });
  }
  const what = phase === "response" ? "connection lost while reading the response" : code === "ECONNREFUSED" ? "connection refused" : "connection failed";
  return new MockForgeError("MFG_ERR_DELIVERY_CONNECT", `${what} (${code ?? msg})`, {
    hint: `Is a receiver listening at ${host}?`,
    cause_code: code ?? null,
  }, { cause: e });
}

/** What `new URL` would have thrown for `url`, mapped as every send error is. */
function invalidUrl(url: string): MockForgeError {
  return mapSendError(Object.assign(new TypeError("Invalid URL"), { code: "ERR_INVALID_URL" }), url, "connect");
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * @example
 * const http = createHttpClient({ clock: systemClock });
 * const res = await http.send({ method: "POST", url: "http://127.0.0.1:4000/hook", headers: {}, body: "{}" },
 *   { timeoutMs: 30_000, connectTimeoutMs: 5_000 });
 * await http.close();
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { clock } = options;
  const cap = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const agents = new Map<number, Agent>();
  let closed = false;

  function agentFor(connectTimeoutMs: number): Agent {
    let a = agents.get(connectTimeoutMs);
    if (!a) {
      a = new (undici().Agent)({
        connect: { timeout: connectTimeoutMs },
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
        // The total timeout is ours, on the injected clock; undici's own would run on real time.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      agents.set(connectTimeoutMs, a);
    }
    return a;
  }

  function send(request: StoredRequest, opts: SendOptions): Promise<HttpResponse> {
    if (closed) return Promise.reject(new MockForgeError("MFG_ERR_DELIVERY_STOPPED", "the HTTP client is closed"));
    const target = parseUrl(request.url);
    if (!target) return Promise.reject(invalidUrl(request.url));
    const headers: Record<string, string> = {};
    for (const k in request.headers) if (!FRAMING_HEADERS.has(k.toLowerCase())) headers[k] = request.headers[k]!;
    return new Promise<HttpResponse>((resolve, reject) => {
      const call = new Exchange(cap, request.url, resolve, reject);
      call.timer = clock.setTimeout(() => {
        call.fail(new MockForgeError("MFG_ERR_DELIVERY_TIMEOUT", `no complete answer within ${opts.timeoutMs} ms`, {
          hint: "The receiver accepted the connection but did not answer in time; raise `timeout_ms` or check the receiver.",
        }));
      }, opts.timeoutMs);
      call.clearTimer = () => clock.clearTimeout(call.timer);
      const signal = opts.signal;
      if (signal) {
        // A caller may abort with its own coded reason (the engine says "stopped"); keep it.
        const onAbort = () =>
          call.fail(signal.reason instanceof MockForgeError ? signal.reason : new MockForgeError("MFG_ERR_DELIVERY_ABORTED", "cancelled by the caller"));
        if (signal.aborted) return onAbort();
        signal.addEventListener("abort", onAbort, { once: true });
        call.unlisten = () => signal.removeEventListener("abort", onAbort);
      }
      agentFor(opts.connectTimeoutMs).dispatch(
        { origin: target.origin, path: target.pathname + target.search, method: request.method.toUpperCase(), headers, body: request.body ?? null },
        call,
      );
    });
  }

  async function close(): Promise<void> {
    closed = true;
    const all = [...agents.values()];
    agents.clear();
    // destroy, not close: close() waits for in-flight requests, which stop() has already aborted.
    await Promise.all(all.map((a) => a.destroy().catch(() => undefined)));
  }

  return { send, close };
}

/**
 * One call, as undici's low-level dispatch handler (`onConnect` … `onComplete`). The
 * `request()` API built a body stream, an async iterator over it and an AbortController per
 * call; a webhook's answer is a few bytes, so that machinery cost more than the answer.
 * The call settles once: by its answer, its error, the caller's abort or the timeout.
 */
class Exchange {
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
