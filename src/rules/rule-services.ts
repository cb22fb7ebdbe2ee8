/**
 * What the rule engine needs from the rest of MockForge, as small ports the lead binds in
 * `app.ts` (tests pass fakes): queued deliveries, a chain runner, the script sandbox, the run
 * store, and clock/random/logger/env.
 */
import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { Random } from "../core/random.js";
import type { DeliveryEngine } from "../delivery/types.js";
import type { ScriptHttp, ScriptInput, ScriptResult, ScriptRunOptions } from "../scripting/index.js";
import type { RunStore } from "../storage/ports.js";

/** Runs a chain by id; rejects with MFG_ERR_CHAIN_NOT_FOUND for an unknown id. `runChain`'s `ChainRun` fits the result. */
export interface RuleChainRunner {
  run(
    chainId: string,
    request: {
      variables?: Record<string, unknown>;
      traceId?: string | null;
      traceDepth?: number;
      signal?: AbortSignal;
      request?: { method: string; path: string; params: Record<string, string>; query: Record<string, unknown>; headers: Record<string, unknown>; body: unknown };
    },
  ): Promise<{ id: string; status: string; error?: { code: string; message: string } | null }>;
}

/** The sandbox, as the scripting module's runtime offers it. */
export interface RuleScriptRuntime {
  run(input: ScriptInput, http: ScriptHttp, options?: ScriptRunOptions): Promise<ScriptResult>;
}

export interface RuleServices {
  deliveries: Pick<DeliveryEngine, "enqueue" | "send">;
  /** Absent: `execute_chain` rules fail with a reason. */
  chains?: RuleChainRunner;
  /** Absent: `script` rules fail with a reason. */
  scripts?: RuleScriptRuntime;
  /** Where rule runs are kept (kind `rule`); absent: only counted in `stats()`. */
  runs?: RunStore;
  clock: Clock;
  random: Random;
  logger: Logger;
  /** Visible to action templates as `env.*`. */
  env: Record<string, string | undefined>;
  /** `mockforge.env` for scripts: only the allowlisted names (SPEC §6). */
  scriptEnv?: Record<string, string>;
  /** `{{base_url}}`. */
  baseUrl?: string;
}

export interface RuleEngineOptions {
  /** A request deeper than this in its trace fires no rule (loop guard). Default: `webhooks.max_trace_depth`'s. */
  maxTraceDepth?: number;
  /** Rule runs kept in the run store; older ones are pruned. Default: `journal.max_runs`'s. */
  keepRuns?: number;
}
