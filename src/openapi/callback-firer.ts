/**
 * OpenAPI `callbacks` → route webhooks. After an operation answered with a 2xx, each of its
 * callbacks is resolved against the exchange (runtime expressions for the URL; the example,
 * sample or configured template for the body) and queued in the delivery engine.
 */
import type { Deps } from "../core/deps.js";
import { describeError } from "../core/errors.js";
import type { CompiledRoute } from "../engine/compiled-route.js";
import { exchangeScope, type Exchange } from "../engine/exchange.js";
import type { AfterResponse } from "../engine/mock-engine.js";
import { compileCall, queueCall, type CompiledCall, type Outbox } from "./outbound-call.js";
import { renderEmbedded, type ExpressionContext, type ExpressionPart } from "./runtime-expression.js";
import type { OpenApiSpecConfig } from "../config/index.js";
import type { OperationModel, SpecModel } from "./spec-model.js";

export interface RouteCallback {
  name: string;
  operation: string;
  url: ExpressionPart[];
  call: CompiledCall;
}

/** The callbacks of one operation, with the config's overrides (`openapi[].callbacks.<operationId>.<name>`). */
export function compileCallbacks(model: SpecModel, op: OperationModel, cfg: OpenApiSpecConfig, at: string): RouteCallback[] {
  const overrides = (op.operationId ? cfg.callbacks[op.operationId] : undefined) ?? {};
  const out: RouteCallback[] = [];
  for (const cb of op.callbacks) {
    for (const o of cb.operations) {
      out.push({ name: cb.name, operation: op.key, url: cb.url, call: compileCall(model.set, o, overrides[cb.name] ?? {}, `${at}.callbacks.${op.operationId ?? op.key}.${cb.name}`) });
    }
  }
  return out;
}

export interface CallbackFirerDeps {
  outbox: Outbox;
  deps: Deps;
  baseUrl: () => string;
}

function callbacksOf(route: CompiledRoute | null): RouteCallback[] | null {
  const c = route?.ext?.callbacks as RouteCallback[] | undefined;
  return c && c.length > 0 ? c : null;
}

/** The after-response work that sends callbacks; routes carry theirs in `ext.callbacks`. */
export function callbackFirer(o: CallbackFirerDeps): AfterResponse {
  return {
    wants: (route) => callbacksOf(route) !== null,
    run(ex: Exchange) {
      const callbacks = callbacksOf(ex.route);
      if (!callbacks || ex.response.status < 200 || ex.response.status > 299) return;
      const req = ex.request;
      const ctx: ExpressionContext = {
        url: o.baseUrl() + req.url,
        method: req.method,
        statusCode: ex.response.status,
        request: { headers: req.headers, query: req.query, path: ex.params, body: req.body },
        response: { headers: ex.response.headers, body: ex.response.body },
      };
      const scope = exchangeScope(ex, o.baseUrl());
      for (const cb of callbacks) {
        const where = { route: ex.route!.id, callback: cb.name, request: req.id };
        try {
          const { text, missing } = renderEmbedded(cb.url, ctx);
          // A callback whose URL names a value the request did not carry (an optional
          // `?notify=`) was not asked for: it is not sent, and the log says which value was missing.
          if (missing.length > 0) {
            o.deps.logger.warn({ ...where, missing }, "OpenAPI callback not sent: its URL expression refers to values this exchange does not have");
            continue;
          }
          queueCall(o.outbox, cb.call, { url: text, scope, deps: o.deps, source: { kind: "openapi", id: `callback ${cb.operation} ${cb.name}` }, traceId: ex.trace.traceId, traceDepth: ex.trace.depth }).catch((e) =>
            o.deps.logger.error({ ...where, err: describeError(e) }, "OpenAPI callback could not be queued"),
          );
        } catch (e) {
          o.deps.logger.warn({ ...where, err: describeError(e) }, "OpenAPI callback not sent: its condition or templates failed");
        }
      }
    },
  };
}
