/**
 * Renders a templated outbound request (route webhooks, hook and rule `http_request` actions)
 * into the exact request to send. The body is rendered first, so header templates can sign
 * the real bytes: `X-Signature: "{{hmac_sha256(env.SECRET, body)}}"`, where `body` is the text
 * that goes on the wire.
 */
import { MockForgeError } from "../core/errors.js";
import type { EvalEnv } from "../expr/index.js";
import { compileTemplate, type Template } from "../template/index.js";
import { checkDeliveryUrl, findHeader, headerText, serializeBody } from "./outbound-request.js";

/** A request as a config writes it; every string may hold `{{ }}`. */
export interface RequestSpec {
  /** Default POST. */
  method?: string;
  url: string;
  headers?: Record<string, unknown>;
  /** A string is sent as rendered; any other value as JSON. */
  body?: unknown;
}

/** The rendered request: everything text, ready for `DeliveryEngine.enqueue`/`send`. */
export interface PreparedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The exact text sent; null for no body. */
  body: string | null;
}

export interface PrepareOptions {
  /**
   * Default true: throw MFG_ERR_DELIVERY_INVALID_URL (with `details.request`, the rendered
   * request) when the URL is not absolute http(s). Pass false to hand it to the engine
   * anyway, which records it as a failed delivery (what route webhooks and hooks want).
   */
  validateUrl?: boolean;
}

export interface RequestTemplate {
  render(scope: Record<string, unknown>, env: EvalEnv, options?: PrepareOptions): PreparedRequest;
}

function text(v: unknown): string {
  return headerText(v);
}

/**
 * Compiles once (at load time, with the config path for error messages), renders per call.
 *
 * @example
 * const t = compileRequestSpec({ url: "{{env.HOOK_URL}}/orders", body: { id: "{{response.body.id}}" },
 *   headers: { "X-Signature": "{{hmac_sha256(env.SECRET, body)}}" } }, "routes[0].webhooks[0]");
 * const req = t.render({ env, response: { body: { id: "o-1" } } }, evalEnv);
 * // { method: "POST", url: "…/orders", headers: { "X-Signature": "9f2c…", "content-type": "application/json" }, body: '{"id":"o-1"}' }
 */
export function compileRequestSpec(spec: RequestSpec, path = ""): RequestTemplate {
  const at = (k: string) => (path ? `${path}.${k}` : k);
  const method: Template = compileTemplate(spec.method ?? "POST", at("method"));
  const url: Template = compileTemplate(spec.url, at("url"));
  const body: Template | null = spec.body === undefined ? null : compileTemplate(spec.body, at("body"));
  const headers: Template | null = spec.headers ? compileTemplate(spec.headers, at("headers")) : null;
  return {
    render(scope, env, options = {}) {
      const m = text(method.render(scope, env)).trim().toUpperCase() || "POST";
      const u = text(url.render(scope, env)).trim();
      const { text: bodyText, json } = serializeBody(body ? body.render(scope, env) : undefined);
      const h: Record<string, string> = {};
      if (headers) {
        const rendered = headers.render({ ...scope, body: bodyText ?? "" }, env);
        if (rendered && typeof rendered === "object") for (const [k, v] of Object.entries(rendered)) h[k] = text(v);
      }
      if (json && findHeader(h, "content-type") === undefined) h["content-type"] = "application/json";
      const prepared: PreparedRequest = { method: m, url: u, headers: h, body: bodyText };
      if (options.validateUrl !== false) {
        const e = checkDeliveryUrl(u);
        if (e) throw new MockForgeError(e.code, e.message, { ...e.details, path: at("url"), request: prepared });
      }
      return prepared;
    },
  };
}

const cache = new WeakMap<RequestSpec, RequestTemplate>();

/**
 * Renders `spec` over `scope` in one call (compiled once per spec object).
 *
 * @example
 * prepareRequest({ url: "http://127.0.0.1:4000/hooks", body: { order: "{{request.body.id}}" } },
 *   { request: { body: { id: 7 } } }, env)
 * // { method: "POST", url: "http://127.0.0.1:4000/hooks", headers: { "content-type": "application/json" }, body: '{"order":7}' }
 */
export function prepareRequest(spec: RequestSpec, scope: Record<string, unknown>, env: EvalEnv, options?: PrepareOptions): PreparedRequest {
  let t = cache.get(spec);
  if (!t) {
    t = compileRequestSpec(spec);
    cache.set(spec, t);
  }
  return t.render(scope, env, options);
}
