/**
 * What rules read of a served exchange, and the scopes they make of it. Rules take the engine's
 * `Exchange` (engine/exchange.ts) as it is, with no copy per request; their conditions name its
 * parts as SPEC §7 does, the request's fields at the top: `method`, `path`, `status`, `headers`,
 * `query`, `params`, `body` and `response` (`status`, `headers`, `body`). Compiled conditions read
 * those straight from the exchange (fast-condition.ts); `conditionScope` is the same names as an
 * object, made only for what the expression evaluator handles.
 */
import { exchangeScope, requestView, type Exchange, type RequestView, type ViewedRequest } from "../engine/exchange.js";
import type { MockRequest } from "../engine/mock-request.js";
import type { EnvRecord } from "../core/env-access.js";

/**
 * The parts of the engine's `Exchange` that rules read: the engine hands its exchange over as it
 * is; tests and the programmatic API may pass just these.
 */
export type ServedExchange = Pick<Exchange, "params" | "response" | "trace"> & { request: ViewedRequest & Pick<MockRequest, "id"> };

/** The root names a condition may use (SPEC §7). */
export const CONDITION_NAMES = ["method", "path", "status", "headers", "query", "params", "body", "response"] as const;

/** The condition's names as an object: what the evaluator reads (conditions with `{{ }}`, functions, `matches`, arithmetic). */
export function conditionScope(ex: ServedExchange): Record<string, unknown> {
  const r = ex.request;
  return { method: r.method, path: r.path, status: ex.response.status, headers: r.headers, query: r.query, params: ex.params, body: r.body, response: ex.response };
}

/** What a compiled condition is given: the exchange, and its `conditionScope` when some part of the condition asks. */
export interface ConditionInput {
  readonly ex: ServedExchange;
  scope(): Record<string, unknown>;
}

/**
 * The `ConditionInput` one rule engine reuses for every request: pointing it at the next
 * exchange allocates nothing, and the flat scope is made at most once, only when asked.
 * Conditions cannot call back into the engine, so one input per engine is never in use twice.
 */
export class ExchangeInput implements ConditionInput {
  private current: ServedExchange | null = null;
  private flat: Record<string, unknown> | null = null;

  get ex(): ServedExchange {
    return this.current!;
  }

  /** Points the input at `ex`; null lets the last exchange go once the request is evaluated. */
  set(ex: ServedExchange | null): this {
    this.current = ex;
    this.flat = null;
    return this;
  }

  scope(): Record<string, unknown> {
    return (this.flat ??= conditionScope(this.current!));
  }
}

/**
 * What action templates see: `exchangeScope` (SPEC §8's `request.*`, `response.*`, `env.*`,
 * `base_url`) plus the condition's names, so `{{response.body.id}}`, `{{request.body.customer_id}}`
 * and `{{path}}` all work. `env` is the config's view (a rule is config content), not the
 * route's. One exception: outbound HEADER templates see `body` as the exact body text being sent
 * (the delivery module's `renderBodyThenHeaders`), so custom signatures sign the wire bytes.
 */
export function actionScope(ex: ServedExchange, env: EnvRecord, baseUrl: string): Record<string, unknown> {
  return Object.assign(conditionScope(ex), exchangeScope(ex, baseUrl, env));
}

/** The triggering request as chains and scripts see it (`request.*`, `mockforge.request`). */
export function requestOf(ex: ServedExchange): RequestView {
  return requestView(ex.request, ex.params);
}
