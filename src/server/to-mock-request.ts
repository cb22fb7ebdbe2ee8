import type { IncomingMessage } from "node:http";
import type { Deps } from "../core/deps.js";
import { newId } from "../core/ids.js";
import { parseTraceHeader, TRACE_HEADER } from "../delivery/index.js";
import { bodyText, parseBody } from "../engine/body-parser.js";
import type { ClientConnection, MockRequest } from "../engine/mock-request.js";

const NO_BODY: ReturnType<typeof parseBody> = { body: null, error: null };

/** Adapts a node request (and its already-read body) to the engine's `MockRequest`. */
export function toMockRequest(req: IncomingMessage, raw: Buffer, tooLarge: boolean, deps: Deps, startedMono: number, connection?: ClientConnection): MockRequest {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const rawPath = q >= 0 ? url.slice(0, q) : url;
  const headers = req.headers;
  const text = bodyText(raw);
  const parsed = tooLarge || raw.length === 0 ? NO_BODY : parseBody(raw, headers["content-type"], text);
  const traceHeader = headers[TRACE_HEADER];
  const now = deps.clock.now();
  return {
    id: newId("req", now, deps.random),
    receivedAt: now,
    startedMono,
    // llhttp hands node the method in upper case already.
    method: req.method ?? "GET",
    url,
    path: decodePath(rawPath),
    rawPath,
    query: q >= 0 ? parseQuery(url.slice(q + 1)) : {},
    headers,
    rawBody: raw,
    rawText: text,
    body: parsed.body,
    bodyError: parsed.error,
    bodyFromJsonText: parsed.fromJsonText === true,
    bodyTooLarge: tooLarge,
    trace: typeof traceHeader === "string" ? parseTraceHeader(traceHeader) : null,
    connection: connection ?? null,
  };
}

/** Percent-decodes a path; one with nothing encoded (most) is returned as it is. */
function decodePath(rawPath: string): string {
  if (!rawPath.includes("%")) return rawPath;
  try {
    return decodeURIComponent(rawPath);
  } catch {
    return rawPath;
  }
}

function parseQuery(qs: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(qs)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}
