/**
 * Renders a link's request templates into what is sent (`OutboundRequest`) and what the run
 * record and `request.*` show. A string body is sent byte for byte; when it is JSON text it is
 * also parsed (so `{{request.body.customer_id}}` reads into it) and gets a JSON content type.
 */
import type { EvalEnv } from "../expr/index.js";
import type { OutboundRequest } from "../delivery/types.js";
import { findHeader } from "./extract-path.js";
import type { LinkRequestRecord } from "./chain-run.js";
import type { PreparedLink } from "./prepared-chain.js";

/** `request.*` as templates read it: the triggering request, or the first link's request as sent. */
export interface RequestScope {
  method?: string;
  url?: string;
  path?: string;
  params?: Record<string, string>;
  query?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  body?: unknown;
}

export interface RenderedLinkRequest {
  outbound: OutboundRequest;
  record: LinkRequestRecord;
  /** The same request seen as `request.*`. */
  scope: RequestScope;
}

function text(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === undefined || v === null) return "";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

/** JSON text that parses to an object or array, else undefined. */
function parseJsonText(s: string): unknown {
  const t = s.trimStart();
  if (!t.startsWith("{") && !t.startsWith("[")) return undefined;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Renders method, URL, headers and body over `scope`. Throws what the template evaluation
 * throws (the caller marks the link `render_error`).
 *
 * @example
 * const r = renderLinkRequest(link, { chain: {}, variables: {}, env: {}, base_url: "http://127.0.0.1:3000" }, env);
 * r.outbound // { method: "POST", url: "http://127.0.0.1:3000/api/orders", headers: {}, body: { items: ["..."] } }
 */
export function renderLinkRequest(link: PreparedLink, scope: Record<string, unknown>, env: EvalEnv): RenderedLinkRequest {
  const method = (text(link.method.render(scope, env)).trim() || "GET").toUpperCase();
  const url = text(link.url.render(scope, env)).trim();
  const headers: Record<string, string> = {};
  const renderedHeaders = link.headers?.render(scope, env);
  if (renderedHeaders && typeof renderedHeaders === "object") {
    for (const [k, v] of Object.entries(renderedHeaders)) headers[k] = text(v);
  }
  const hasBody = link.body !== null;
  const rendered = hasBody ? link.body!.render(scope, env) : undefined;
  let shown = rendered;
  let json = rendered !== undefined && rendered !== null && typeof rendered !== "string";
  if (typeof rendered === "string") {
    const parsed = parseJsonText(rendered);
    if (parsed !== undefined) {
      shown = parsed;
      json = true;
    }
  }
  // Set here rather than left to the delivery engine so the run record shows the header that was sent.
  if (json && findHeader(headers, "content-type") === undefined) headers["content-type"] = "application/json";
  const outbound: OutboundRequest = { method, url, headers };
  if (hasBody && rendered !== undefined) outbound.body = rendered;
  return {
    outbound,
    record: { method, url, headers, body: shown ?? null },
    scope: { method, url, ...urlParts(url), headers, body: shown ?? null },
  };
}

function urlParts(url: string): { path: string; query: Record<string, unknown> } {
  try {
    const u = new URL(url);
    const query: Record<string, unknown> = {};
    for (const [k, v] of u.searchParams) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    return { path: u.pathname, query };
  } catch {
    return { path: "", query: {} };
  }
}
