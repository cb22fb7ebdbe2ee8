/**
 * What an outbound call answers, and how whatever undici or the socket threw becomes a
 * catalogue error that says what to check.
 */
import { MockForgeError } from "../core/errors.js";
import type { Headers } from "../storage/ports.js";

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** UTF-8 text, at most `maxResponseBytes`. */
  body: string;
  truncated: boolean;
}

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
export function invalidUrl(url: string): MockForgeError {
  return mapSendError(Object.assign(new TypeError("Invalid URL"), { code: "ERR_INVALID_URL" }), url, "connect");
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

