/**
 * Plugs the scripting sandbox into a chain run: builds each script's input (chain context,
 * variables, request, response, allowlisted env), routes `mockforge.http.*` through the delivery
 * engine (source `script`, the run's trace) and maps the result back for the executor.
 */
import type { DeliveryEngine } from "../delivery/types.js";
import { pickEnv, type EnvRecord } from "../core/env-access.js";
import { createScriptHttp, type ScriptRuntime } from "../scripting/index.js";
import type { LinkScriptRunner } from "./link-script-runner.js";

/** What a caller of `runChain` gives to run scripts. */
export interface ChainScripts {
  runtime: ScriptRuntime;
  /** Environment variable names scripts may read as `mockforge.env.X` (SPEC §6); absent: the run's `env` as given (a server's env view, filtered already). */
  envAllowlist?: readonly string[];
}

export interface ChainScriptContext {
  deliveries: DeliveryEngine;
  env: EnvRecord;
  traceId: string;
  traceDepth: number;
  /** `{{base_url}}`, for scripts' relative URLs. */
  baseUrl?: string;
}

/**
 * @example
 * const runner = createChainScriptRunner({ runtime, envAllowlist: ["WEBHOOK_SECRET"] }, { deliveries, env: envAccess.file, traceId, traceDepth: 0 });
 */
export function createChainScriptRunner(scripts: ChainScripts, ctx: ChainScriptContext): LinkScriptRunner {
  const env = scripts.envAllowlist ? pickEnv(ctx.env, scripts.envAllowlist) : ctx.env;
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
          group: `chain:${input.chainId}`,
          chainContext: input.chainContext,
          variables: input.variables,
          request: input.request,
          ...(response ? { response } : {}),
          env,
          ...(options.timeoutMs !== undefined ? { limits: { timeout_ms: options.timeoutMs } } : {}),
          timeoutKey: `scripting.timeout_ms of link '${input.linkId}'`,
        },
        createScriptHttp({ deliveries: ctx.deliveries, sourceId: `${input.chainId}/${input.linkId}`, traceId: ctx.traceId, traceDepth: ctx.traceDepth, ...(ctx.baseUrl ? { baseUrl: ctx.baseUrl } : {}) }),
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
