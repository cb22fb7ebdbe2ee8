import { prepareCall, queuePrepared } from "../actions/outbound-call.js";
import type { Deps } from "../core/deps.js";
import { describeError } from "../core/errors.js";
import type { DeliveryEngine } from "../delivery/index.js";
import type { EvalEnv } from "../expr/index.js";
import type { CompiledRoute } from "./compiled-route.js";
import { exchangeScope, type Exchange } from "./exchange.js";
import type { AfterResponse, BeforeResponse } from "./mock-engine.js";

export interface RouteWebhookDeps {
  deliveries: DeliveryEngine;
  deps: Deps;
  baseUrl: () => string;
}

/**
 * `routes[].webhooks[]`: evaluate each webhook's condition over the exchange, render it with
 * `request.*` and `response.*`, and queue it in the durable outbox. `run` resolves when every
 * row is committed and rejects if one could not be stored. With `webhooks.persist:
 * before_response` (the default) the engine waits for it before answering (see
 * `persistBeforeResponse`); with `after_response` it runs after the answer went out
 * (`persistAfterResponse`). A webhook that cannot even be rendered is logged with the route
 * and is not a storage failure; an invalid URL after rendering is handed to the delivery
 * engine, which records it as a failed delivery. The call itself is the one outbound call of
 * `actions/outbound-call.ts`; only the scope, the source and the trace are the route's.
 */
export function routeWebhookFirer(o: RouteWebhookDeps): BeforeResponse {
  const { deps } = o;
  const wants = (route: CompiledRoute | null) => route !== null && route.webhooks.length > 0;
  const run = (ex: Exchange): Promise<void> => {
    const route = ex.route;
    if (!route || !wants(route)) return Promise.resolve();
    const warnings: string[] = [];
    const env: EvalEnv = { clock: deps.clock, random: deps.random, warn: (msg) => warnings.push(msg) };
    const req = ex.request;
    const stored: Promise<unknown>[] = [];
    const scope = exchangeScope(ex, o.baseUrl());
    const origin = { source: { kind: "route", id: route.id }, trace: ex.trace };
    route.webhooks.forEach((w, i) => {
      const where = { route: route.id, webhook: i, request: req.id };
      try {
        const rendered = prepareCall(w.call, scope, env, {});
        if (!rendered) return;
        const queued = queuePrepared(o.deliveries, w.call, rendered, origin).catch((e: unknown) => {
          deps.logger.error({ ...where, err: describeError(e) }, "route webhook could not be queued");
          throw e;
        });
        stored.push(queued);
        ex.queued = (ex.queued ?? 0) + 1;
      } catch (e) {
        deps.logger.warn({ ...where, err: describeError(e) }, "route webhook not sent: its condition or templates failed");
      }
    });
    if (warnings.length > 0) deps.logger.warn({ route: route.id, warnings }, "route webhook templates referred to missing names (rendered empty)");
    return Promise.all(stored).then(() => undefined);
  };
  return { wants, run };
}

/** `webhooks.persist: after_response`: the same work after the answer went out; a failed write is only logged (above). */
export function persistAfterResponse(firer: BeforeResponse): AfterResponse {
  return { wants: firer.wants, run: (ex) => void firer.run(ex)?.catch(() => undefined) };
}
