/**
 * The one bridge from a script's `mockforge.http.*` to the delivery engine (SPEC §3: every
 * outbound call goes through it). Chains, routes and rules all use it, so `retry`, `signing`
 * and `timeout_ms` options mean the same in every script, and every call is recorded.
 */
import { resolveAgainstBase } from "../actions/resolve-against-base.js";
import { retrySchema, signingSchema } from "../config/schema/webhooks.js";
import { CATALOGUE, MockForgeError, type ErrorCode } from "../core/errors.js";
import type { DeliveryEngine, DeliveryOptions } from "../delivery/types.js";
import type { ScriptHttp } from "./script-types.js";

export interface ScriptHttpContext {
  deliveries: Pick<DeliveryEngine, "send">;
  /** Shown in the delivery's source: `<chain>/<link>`, `route:<id>`, `rule:<name>`. */
  sourceId: string;
  traceId: string | null;
  traceDepth: number;
  /** Told the id of every delivery the script made (for run records). */
  onDelivery?: (deliveryId: string) => void;
  /** `{{base_url}}`: a relative URL (`/api/orders`) is a call to this server, as in hooks and rules. */
  baseUrl?: string;
}

/**
 * @example
 * const http = createScriptHttp({ deliveries, sourceId: "route:POST /api/orders", traceId, traceDepth: 0 });
 * await runtime.run({ code, label }, http);
 */
export function createScriptHttp(ctx: ScriptHttpContext): ScriptHttp {
  return async (call, { signal }) => {
    const options: DeliveryOptions = { source: { kind: "script", id: ctx.sourceId }, traceId: ctx.traceId, traceDepth: ctx.traceDepth, signal };
    if (call.options?.retry !== undefined) {
      const r = retrySchema.safeParse(call.options.retry);
      if (!r.success) throw new MockForgeError("MFG_ERR_BAD_REQUEST", `mockforge.http options.retry is not valid: ${r.error.issues.map((i) => `${i.path.join(".") || "retry"}: ${i.message}`).join("; ")}`);
      options.retry = r.data;
    }
    if (call.options?.signing !== undefined) {
      const s = signingSchema.safeParse(call.options.signing);
      if (!s.success) throw new MockForgeError("MFG_ERR_BAD_REQUEST", `mockforge.http options.signing is not valid: ${s.error.issues.map((i) => i.message).join("; ")}`);
      options.signing = s.data;
    }
    if (call.options?.timeout_ms !== undefined) options.timeout_ms = call.options.timeout_ms;
    // An invalid URL is not refused here: the delivery engine records it as a failed call.
    const url = resolveAgainstBase(call.url, ctx.baseUrl);
    const result = await ctx.deliveries.send({ method: call.method, url, ...(call.headers ? { headers: call.headers } : {}), ...(call.body !== undefined ? { body: call.body } : {}) }, options);
    ctx.onDelivery?.(result.deliveryId);
    if (result.status === 0) {
      const err = result.error ?? { code: "MFG_ERR_DELIVERY_CONNECT", message: "no response" };
      const code: ErrorCode = Object.hasOwn(CATALOGUE, err.code) ? (err.code as ErrorCode) : "MFG_ERR_DELIVERY_CONNECT";
      throw new MockForgeError(code, `${call.method} ${url}: ${err.message}`, { deliveryId: result.deliveryId });
    }
    return { status: result.status, headers: result.headers, body: result.body, deliveryId: result.deliveryId };
  };
}
