/**
 * Renders a link's request templates into what is sent (`OutboundRequest`) and what the run
 * record and `request.*` show. A string body is sent byte for byte; when it is JSON text it is
 * also parsed (so `{{request.body.customer_id}}` reads into it) and gets a JSON content type.
 * The body is rendered before the headers (the one outbound call, `actions/outbound-call.ts`), so
 * a header template's `body` is the exact text sent: `X-Sig: "{{hmac_sha256(env.SECRET, body)}}"`.
 */
import { renderCallTemplates } from "../actions/outbound-call.js";
import type { EvalEnv } from "../expr/index.js";
import type { OutboundRequest } from "../delivery/types.js";
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

export interface RenderLinkOptions {
  /**
   * True when this link's own request is `request.*` (the first link of a run with no triggering
   * request): its header templates then read its method, URL and rendered body as `request.*`,
   * so the seed's `{{hash(env.WEBHOOK_SECRET + request.body)}}` hashes the body it sends (an
   * object joined to text is its JSON text, the same text that is sent). Method, URL and body
   * cannot read themselves and see `request.*` as given in the scope.
   */
  selfIsRequest?: boolean;
}

export interface RenderedLinkRequest {
  outbound: OutboundRequest;
  record: LinkRequestRecord;
  /** The same request seen as `request.*`. */
  scope: RequestScope;
}

/**
 * Renders method, URL, body, then headers over `scope`. Throws what the template evaluation
 * throws (the caller marks the link `render_error`).
 *
 * @example
 * const r = renderLinkRequest(link, { chain: {}, variables: {}, env: {}, base_url: "http://127.0.0.1:3000" }, env);
 * r.outbound // { method: "POST", url: "http://127.0.0.1:3000/api/orders", headers: { "content-type": "application/json" }, body: { items: ["..."] } }
 */
export function renderLinkRequest(link: PreparedLink, scope: Record<string, unknown>, env: EvalEnv, options: RenderLinkOptions = {}): RenderedLinkRequest {
  const { request: outbound, body } = renderCallTemplates(link, scope, env, {
    parseJsonText: true,
    ...(options.selfIsRequest ? { headerScope: (r, b) => ({ request: { ...r, ...urlParts(r.url), headers: {}, body: b.data ?? null } }) } : {}),
  }, "GET");
  const { method, url } = outbound;
  const where = { method, url, ...urlParts(url) };
  const headers = outbound.headers ?? {};
  const shown = body.data ?? null;
  return {
    outbound,
    record: { method, url, headers, body: shown },
    scope: { ...where, headers, body: shown },
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
