import type { IncomingMessage } from "node:http";
import type { Deps } from "../core/deps.js";
import { newId } from "../core/ids.js";
import { parseTraceHeader, TRACE_HEADER } from "../delivery/index.js";
import { parseBody } from "../engine/body-parser.js";
import type { MockRequest } from "../engine/mock-request.js";

/** Adapts a node request (and its already-read body) to the engine's `MockRequest`. */
export function toMockRequest(req: IncomingMessage, raw: Buffer, tooLarge: boolean, deps: Deps, startedMono: number): MockRequest {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const rawPath = q >= 0 ? url.slice(0, q) : url;
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    path = rawPath;
  }
  const parsed = tooLarge ? { body: null, error: null } : parseBody(raw, req.headers["content-type"]);
  const traceHeader = req.headers[TRACE_HEADER];
  const now = deps.clock.now();
  return {
    id: newId("req", now, deps.random),
    receivedAt: now,
    startedMono,
    method: (req.method ?? "GET").toUpperCase(),
    url,
    path,
    rawPath,
    query: q >= 0 ? parseQuery(url.slice(q + 1)) : {},
    headers: req.headers,
    rawBody: raw,
    body: parsed.body,
    bodyError: parsed.error,
    bodyTooLarge: tooLarge,
    trace: typeof traceHeader === "string" ? parseTraceHeader(traceHeader) : null,
  };
}

function parseQuery(qs: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(qs)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}
