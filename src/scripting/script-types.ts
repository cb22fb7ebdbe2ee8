/**
 * The script runtime's public shapes (SPEC §6): what a caller hands to `ScriptRuntime.run`,
 * the `http` function it plugs in (the delivery engine, in chains/rules/routes), and what a
 * run gives back. Everything crossing the sandbox boundary is plain JSON.
 */
import type { ScriptingConfig } from "../config/schema/scripting.js";
import type { EnvRecord } from "../core/env-access.js";

/**
 * Per-run limits, the `scripting` config's limit fields with their defaults applied
 * (`DEFAULT_SCRIPT_LIMITS`): `timeout_ms` (wall time, awaited calls and left-running promises
 * included), `memory_mb` (QuickJS heap), `max_http_calls` (further calls reject with
 * MFG_ERR_SCRIPT_LIMIT), `max_log_lines` (the rest are counted in `logsDropped`).
 */
export type ScriptLimits = Pick<ScriptingConfig, "timeout_ms" | "memory_mb" | "max_http_calls" | "max_log_lines">;

/** A response as scripts see and change it through `mockforge.response`. */
export interface ScriptResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface ScriptInput {
  /** The script: the body of an async function, so top-level `await` and `return` work. */
  code: string;
  /** Where the script belongs, for error messages: "chain 'orders' link 'create_order' post_script". */
  label: string;
  /** `mockforge.chain_context`; `get`/`set` work on a copy returned in the result. */
  chainContext?: Record<string, unknown>;
  /** `mockforge.variables`: a plain object whose changes are returned. */
  variables?: Record<string, unknown>;
  /** `mockforge.request`: `{ method, path, params, query, headers, body }`. */
  request?: unknown;
  /** `mockforge.response`: the script may change status, headers and body. */
  response?: ScriptResponse;
  /** `mockforge.env`: already filtered by the allowlist; read (as JSON, unset names left out) when the script starts. */
  env?: EnvRecord;
  limits?: Partial<ScriptLimits>;
  /**
   * The config key that sets this script's time limit, named when it runs out: a route's is
   * the top-level `scripting.timeout_ms` (routes have no key of their own), a chain link's
   * `scripting.timeout_ms` in the link, a rule action's `timeout_ms`. Default: the top-level one.
   */
  timeoutKey?: string;
  /**
   * Whose script this is (`route:POST /orders`, `chain:orders`, `rule:big_order`): one group's
   * runs hold at most `scripting.max_pool_share` of the workers. Absent: not capped.
   */
  group?: string;
}

/** One outbound call a script asked for, as handed to the host's `http` function. */
export interface ScriptHttpCall {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  options?: { retry?: unknown; signing?: unknown; timeout_ms?: number };
}

export interface ScriptHttpResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: unknown;
  deliveryId?: string;
}

/**
 * Performs a script's outbound call. Resolve with the response (any status: a 500 is a
 * response, as with fetch); reject when no response was received. `signal` aborts when the
 * run fails, times out or is cancelled while the call is in flight. A call the script left
 * running (fire and forget) that outlives a successful run is not aborted.
 */
export type ScriptHttp = (call: ScriptHttpCall, ctx: { signal: AbortSignal }) => Promise<ScriptHttpResponse>;

export type ScriptErrorCode =
  | "MFG_ERR_SCRIPT_SYNTAX"
  | "MFG_ERR_SCRIPT_RUNTIME"
  | "MFG_ERR_SCRIPT_TIMEOUT"
  | "MFG_ERR_SCRIPT_MEMORY"
  | "MFG_ERR_SCRIPT_LIMIT"
  | "MFG_ERR_SCRIPT_STOPPED";

export interface ScriptError {
  code: ScriptErrorCode;
  /** Self-contained: names the label, the line and what went wrong. */
  message: string;
  /** 1-based line in the script as written, when known. */
  line?: number;
  /** 1-based column, when known. */
  column?: number;
  label: string;
}

export interface ScriptLogLine {
  level: "log" | "info" | "warn" | "error";
  message: string;
  /** Epoch ms. */
  time: number;
}

export interface ScriptHttpCallRecord {
  method: string;
  url: string;
  /** Null when no response came (the call failed or was still in flight when the run ended). */
  status: number | null;
  error: string | null;
  deliveryId: string | null;
}

export interface ScriptResult {
  ok: boolean;
  error: ScriptError | null;
  logs: ScriptLogLine[];
  logsDropped: number;
  /**
   * The chain context, variables and response as the script left them, also when it failed
   * part-way (callers decide whether to apply them). When the worker had to be stopped
   * (a runaway built-in call, a crash) they are the inputs unchanged.
   */
  chainContext: Record<string, unknown>;
  variables: Record<string, unknown>;
  response?: ScriptResponse;
  /** What the script `return`ed (as JSON), or null. */
  returnValue: unknown;
  httpCalls: ScriptHttpCallRecord[];
  durationMs: number;
}

export interface ScriptRunOptions {
  /** Cancels the run (queued or running): it ends with MFG_ERR_SCRIPT_STOPPED. */
  signal?: AbortSignal;
  /**
   * The caller no longer wants the answer (its client went away): a run still waiting for a
   * worker is dropped (MFG_ERR_SCRIPT_STOPPED); one already running finishes, its calls included.
   */
  gone?: AbortSignal;
}
