/**
 * The exchange: one served request with its route and answer, made once per request (by
 * `MockEngine`, only when some work before or after the answer wants it) and read by every such
 * work as it is: route webhooks, consistency rules (their conditions read it directly),
 * OpenAPI callbacks. `exchangeScope` is the one template scope built from it; a route's
 * response templates read `requestView` of the same request.
 */
import type { EnvRecord } from "../core/env-access.js";
import type { TraceContext } from "../delivery/index.js";
import type { CompiledRoute } from "./compiled-route.js";
import type { MockRequest } from "./mock-request.js";

/** A served exchange, as webhooks, rules and callbacks see it. */
export interface Exchange {
  request: MockRequest;
  route: CompiledRoute | null;
  params: Record<string, string>;
  response: { status: number; headers: Record<string, string>; body: unknown };
  /** The request's trace, or a new one (depth 0) for a request from outside: what its outbound calls carry. */
  trace: TraceContext;
  /** What `env.*` is for the route's templates (`MockEngine.envOf`): its webhooks read the same view as its response. */
  env: EnvRecord;
  /** Webhooks queued for this exchange so far (route webhooks, rule webhooks): counted by who queues them, for the access log. */
  queued?: number;
}

/** `request.*` as templates read it. */
export interface RequestView {
  method: string;
  path: string;
  params: Record<string, string>;
  query: MockRequest["query"];
  headers: MockRequest["headers"];
  body: unknown;
}

/** What `requestView` reads of a request. */
export type ViewedRequest = Pick<MockRequest, "method" | "path" | "query" | "headers" | "body">;

/** `request.*` of a request routed with `params`. */
export function requestView(req: ViewedRequest, params: Record<string, string>): RequestView {
  return { method: req.method, path: req.path, params, query: req.query, headers: req.headers, body: req.body };
}

/**
 * The scope of what follows an answer (a route webhook, an OpenAPI callback's or a rule
 * action's templates): `request.*`, `response.*`, `env.*` and `base_url`. `env` is the route's
 * view unless the caller reads another: a rule is config content, so it reads the config's view
 * even on a route added at run time.
 *
 * @example
 * exchangeScope(ex, "http://127.0.0.1:3000") // { request: { method, path, params, query, headers, body }, response: { status, headers, body }, env, base_url }
 */
export function exchangeScope(ex: Pick<Exchange, "params" | "response"> & { request: ViewedRequest }, baseUrl: string, env: EnvRecord): Record<string, unknown>;
export function exchangeScope(ex: Exchange, baseUrl: string): Record<string, unknown>;
export function exchangeScope(ex: Pick<Exchange, "params" | "response"> & { request: ViewedRequest; env?: EnvRecord }, baseUrl: string, env?: EnvRecord): Record<string, unknown> {
  return { request: requestView(ex.request, ex.params), response: ex.response, env: env ?? ex.env, base_url: baseUrl };
}
