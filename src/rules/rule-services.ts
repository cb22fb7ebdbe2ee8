/**
 * What the rule engine needs from the rest of MockForge, as small ports the lead binds in
 * `app.ts` (tests pass fakes): queued deliveries, a chain runner, the script sandbox, the run
 * store, and clock/random/logger/env.
 */
import type { ActionServices } from "../actions/action-services.js";
import type { ScriptHttp, ScriptInput, ScriptResult, ScriptRunOptions } from "../scripting/index.js";
import type { RunStore } from "../storage/ports.js";
import type { EnvRecord } from "../core/env-access.js";

/** The sandbox, as the scripting module's runtime offers it. */
export interface RuleScriptRuntime {
  run(input: ScriptInput, http: ScriptHttp, options?: ScriptRunOptions): Promise<ScriptResult>;
}

/** The ports of every outbound action (actions/action-services.ts), plus the sandbox and the run store. */
export interface RuleServices extends ActionServices {
  /** Absent: `script` rules fail with a reason. */
  scripts?: RuleScriptRuntime;
  /** Where rule runs are kept (kind `rule`); absent: only counted in `stats()`. */
  runs?: RunStore;
  /** `mockforge.env` for scripts: only the allowlisted names (SPEC §6); a view (core/env-access.ts) is read when each script starts. */
  scriptEnv?: EnvRecord;
}

export interface RuleEngineOptions {
  /** A request deeper than this in its trace fires no rule (loop guard). Default: `webhooks.max_trace_depth`'s. */
  maxTraceDepth?: number;
}
