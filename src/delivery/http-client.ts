/**
 * The one outbound HTTP client (undici 7). Keep-alive pools per origin come from undici's
 * `Agent`; one agent per connect timeout, because undici fixes that timeout per agent. The
 * total per-call timeout runs on the injected clock so tests drive it with a ManualClock.
 */
import { createRequire } from "node:module";
import type { Agent } from "undici";
import type { Clock } from "../core/clock.js";
import { MockForgeError } from "../core/errors.js";
import type { StoredRequest } from "../storage/ports.js";
import { CallHandler } from "./call-handler.js";
import { invalidUrl, type HttpResponse } from "./send-errors.js";
import { parseUrl } from "./parsed-url.js";

const require = createRequire(import.meta.url);
/** undici, loaded on the first outbound call: a server that sends nothing never pays its ~60 ms import. */
const undici = () => require("undici") as typeof import("undici");

/** Response bodies kept in records are cut here (SPEC: 1 MiB). */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

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
      const call = new CallHandler(cap, request.url, resolve, reject);
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
