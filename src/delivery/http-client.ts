/**
 * The one outbound HTTP client (undici 7). Keep-alive pools per origin come from undici's
 * `Agent`; one agent per connect timeout, because undici fixes that timeout per agent. The
 * total per-call timeout runs on the injected clock so tests drive it with a ManualClock.
 */
import { createRequire } from "node:module";
import type { Agent } from "undici";
import type { Clock } from "../core/clock.js";
import { MockForgeError } from "../core/errors.js";
import type { Headers, StoredRequest } from "../storage/ports.js";

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

  async function send(request: StoredRequest, opts: SendOptions): Promise<HttpResponse> {
    if (closed) throw new MockForgeError("MFG_ERR_DELIVERY_STOPPED", "the HTTP client is closed");
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) if (!FRAMING_HEADERS.has(k.toLowerCase())) headers[k] = v;

    const controller = new AbortController();
    const timer = clock.setTimeout(() => {
      controller.abort(new MockForgeError("MFG_ERR_DELIVERY_TIMEOUT", `no complete answer within ${opts.timeoutMs} ms`, {
        hint: "The receiver accepted the connection but did not answer in time; raise `timeout_ms` or check the receiver.",
      }));
    }, opts.timeoutMs);
    const onCallerAbort = forwardAbort(opts.signal, controller);
    let phase: "connect" | "response" = "connect";
    try {
      const res = await agentFor(opts.connectTimeoutMs).request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: request.method.toUpperCase() as "POST",
        headers,
        body: request.body ?? undefined,
        signal: controller.signal,
      });
      phase = "response";
      // Handle the answer after the writes queued in this turn: undici sends a request on a
      // reused keep-alive socket from the check phase, so every µs spent here in the poll
      // phase would hold back the webhooks other requests of this turn just triggered.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const { body, truncated } = await readCapped(res.body, cap);
      return { status: res.statusCode, headers: res.headers as Headers, body, truncated };
    } catch (e) {
      if (controller.signal.aborted && controller.signal.reason instanceof MockForgeError) throw controller.signal.reason;
      throw mapSendError(e, request.url, phase);
    } finally {
      clock.clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onCallerAbort);
    }
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

/** Follows the caller's signal into `controller`; returns the listener to remove afterwards. */
function forwardAbort(signal: AbortSignal | undefined, controller: AbortController): () => void {
  // A caller may abort with its own coded reason (the engine says "stopped"); keep it.
  const onCallerAbort = () =>
    controller.abort(signal?.reason instanceof MockForgeError ? signal.reason : new MockForgeError("MFG_ERR_DELIVERY_ABORTED", "cancelled by the caller"));
  if (signal?.aborted) onCallerAbort();
  else signal?.addEventListener("abort", onCallerAbort, { once: true });
  return onCallerAbort;
}

/** A response body as text, at most `cap` bytes of it. */
async function readCapped(stream: AsyncIterable<Buffer> & { destroy(): void }, cap: number): Promise<{ body: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const room = cap - size;
    if (chunk.length > room) {
      if (room > 0) chunks.push(chunk.subarray(0, room));
      // Stop reading: the record keeps only the cap, and the socket is not worth saving.
      stream.destroy();
      return { body: Buffer.concat(chunks).toString("utf8"), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { body: Buffer.concat(chunks).toString("utf8"), truncated: false };
}
