/**
 * The served exchange a rule condition looks at (SPEC §7). Conditions see exactly the names
 * `method`, `path`, `status`, `headers`, `query`, `params`, `body` (the request's) and
 * `response` (`status`, `headers`, `body`); the engine builds one per served request.
 */
import type { TraceContext } from "../delivery/index.js";

export interface RuleExchange {
  /** Upper-case. */
  method: string;
  path: string;
  /** The response status as sent. */
  status: number;
  /** Request headers, lower-case names. */
  headers: Record<string, unknown>;
  query: Record<string, unknown>;
  params: Record<string, string>;
  /** The parsed request body (null when absent). */
  body: unknown;
  response: { status: number; headers: Record<string, unknown>; body: unknown };
  /** The request's trace (the engine's `Exchange.trace`, the same shape as everywhere); null: one is started. */
  trace: TraceContext | null;
  /** The journal id of the request, for the rule run record. */
  requestId?: string | null;
}

/** The root names a condition may use. */
export const EXCHANGE_NAMES = ["method", "path", "status", "headers", "query", "params", "body", "response"] as const;

/**
 * What action templates see: the condition's names, plus SPEC §8's `request.*` / `response.*`,
 * `env.*` and `base_url` (`{{response.body.id}}` and `{{request.body.customer_id}}` both work).
 * One exception: outbound HEADER templates see `body` as the exact body text being sent (the
 * delivery module's `renderBodyThenHeaders`), so custom signatures sign the wire bytes.
 */
export function actionScope(x: RuleExchange, env: Record<string, string | undefined>, baseUrl: string): Record<string, unknown> {
  return {
    method: x.method,
    path: x.path,
    status: x.status,
    headers: x.headers,
    query: x.query,
    params: x.params,
    body: x.body,
    request: requestOf(x),
    response: x.response,
    env,
    base_url: baseUrl,
  };
}

/** The triggering request as chains and scripts see it (`request.*`, `mockforge.request`). */
export function requestOf(x: RuleExchange): { method: string; path: string; params: Record<string, string>; query: Record<string, unknown>; headers: Record<string, unknown>; body: unknown } {
  return { method: x.method, path: x.path, params: x.params, query: x.query, headers: x.headers, body: x.body };
}
