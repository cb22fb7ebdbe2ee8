/**
 * The script sandbox (SPEC §6): JavaScript with `await` in QuickJS inside worker threads, with
 * the `mockforge.*` API, wall-time, memory, outbound-call and log limits. The host plugs in
 * outbound HTTP (the delivery engine) through the `http` function given to `run`.
 */

// Running scripts.
export { ScriptRuntime, type ScriptRuntimeOptions, type ScriptRuntimeStats } from "./script-runtime.js";
export type {
  ScriptError,
  ScriptErrorCode,
  ScriptHttp,
  ScriptHttpCall,
  ScriptHttpCallRecord,
  ScriptHttpResponse,
  ScriptInput,
  ScriptLimits,
  ScriptLogLine,
  ScriptResponse,
  ScriptResult,
  ScriptRunOptions,
} from "./script-types.js";

// Limits.
export { DEFAULT_SCRIPT_LIMITS, resolveLimits } from "./script-limits.js";

// Config validation.
export { checkScriptSyntax, loadScriptSyntaxChecker, type ScriptSyntaxCheck } from "./check-script-syntax.js";

export { createScriptHttp, type ScriptHttpContext } from "./script-http-bridge.js";
