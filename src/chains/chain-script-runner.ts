/**
 * Plugs the scripting sandbox into a chain run: builds each script's input (chain context,
 * variables, request, response, allowlisted env), routes `mockforge.http.*` through the delivery
 * engine (source `script`, the run's trace) and maps the result back for the executor.
 */
import { retrySchema, signingSchema } from "../config/schema/webhooks.js";
import { CATALOGUE, MockForgeError, type ErrorCode } from "../core/errors.js";
import type { DeliveryEngine, DeliveryOptions } from "../delivery/types.js";
import type { ScriptHttp, ScriptRuntime } from "../scripting/index.js";
import type { LinkScriptRunner } from "./link-script-runner.js";

/** What a caller of `runChain` gives to run scripts. */
export interface ChainScripts {
  runtime: ScriptRuntime;
  /** Environment variable names scripts may read as `mockforge.env.X` (SPEC §6). */
  envAllowlist: readonly string[];
}

export interface ChainScriptContext {
  deliveries: DeliveryEngine;
  env: Record<string, string | undefined>;
  traceId: string;
  traceDepth: number;
}

function allowedEnv(env: Record<string, string | undefined>, allowlist: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of allowlist) {
    const v = env[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/** A script's `mockforge.http.*` as an awaited delivery; rejects (in the script) when no response came. */
function scriptHttp(ctx: ChainScriptContext, sourceId: string): ScriptHttp {
  return async (call, { signal }) => {
    const options: DeliveryOptions = { source: { kind: "script", id: sourceId }, traceId: ctx.traceId, traceDepth: ctx.traceDepth, signal };
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
    const result = await ctx.deliveries.send({ method: call.method, url: call.url, ...(call.headers ? { headers: call.headers } : {}), ...(call.body !== undefined ? { body: call.body } : {}) }, options);
    if (result.status === 0) {
      const err = result.error ?? { code: "MFG_ERR_DELIVERY_CONNECT", message: "no response" };
      const code: ErrorCode = Object.hasOwn(CATALOGUE, err.code) ? (err.code as ErrorCode) : "MFG_ERR_DELIVERY_CONNECT";
      throw new MockForgeError(code, `${call.method} ${call.url}: ${err.message}`, { deliveryId: result.deliveryId });
    }
    return { status: result.status, headers: result.headers, body: result.body, deliveryId: result.deliveryId };
  };
}

/**
 * @example
 * const runner = createChainScriptRunner({ runtime, envAllowlist: ["WEBHOOK_SECRET"] }, { deliveries, env: process.env, traceId, traceDepth: 0 });
 */
export function createChainScriptRunner(scripts: ChainScripts, ctx: ChainScriptContext): LinkScriptRunner {
  const env = allowedEnv(ctx.env, scripts.envAllowlist);
  return {
    async run(kind, code, input, options) {
      const label = `chain '${input.chainId}' link '${input.linkId}' ${kind}`;
      const response = input.response
        ? {
            status: input.response.status,
            headers: Object.fromEntries(Object.entries(input.response.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v])),
            body: input.response.body,
          }
        : undefined;
      const result = await scripts.runtime.run(
        {
          code,
          label,
          chainContext: input.chainContext,
          variables: input.variables,
          request: input.request,
          ...(response ? { response } : {}),
          env,
          ...(options.timeoutMs !== undefined ? { limits: { timeout_ms: options.timeoutMs } } : {}),
        },
        scriptHttp(ctx, `${input.chainId}/${input.linkId}`),
        { signal: options.signal },
      );
      const logs = result.logs.map((l) => ({ level: l.level, message: l.message }));
      if (result.logsDropped > 0) logs.push({ level: "warn", message: `${result.logsDropped} more log lines were dropped (scripting max_log_lines)` });
      return {
        chainContext: result.chainContext,
        variables: result.variables,
        logs,
        error: result.error ? { code: result.error.code, message: result.error.message } : null,
      };
    },
  };
}
