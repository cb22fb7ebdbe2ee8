import { scriptingConfigSchema } from "../config/schema/scripting.js";
import type { ScriptLimits } from "./script-types.js";

const schemaDefaults = scriptingConfigSchema.parse({});

/** SPEC §6 defaults (5 s wall time, 64 MiB heap, 20 outbound calls, 200 log lines), as the schema sets them. */
export const DEFAULT_SCRIPT_LIMITS: Readonly<ScriptLimits> = Object.freeze({
  timeout_ms: schemaDefaults.timeout_ms,
  memory_mb: schemaDefaults.memory_mb,
  max_http_calls: schemaDefaults.max_http_calls,
  max_log_lines: schemaDefaults.max_log_lines,
});

/** Share of the pool one group (a route's, chain's or rule's scripts) may hold, as the schema sets it. */
export const DEFAULT_MAX_POOL_SHARE: number = schemaDefaults.max_pool_share;

/** Longest `console.*` line kept, in characters; longer lines are cut with a note. */
export const MAX_LOG_LINE_CHARS = 8192;

/**
 * QuickJS stack limit. The interpreter also recurses on the worker thread's native stack
 * (several times more bytes than it counts), so the worker is started with a native stack
 * (`WORKER_STACK_MB`) far larger than this: deep recursion then ends as a clean
 * "stack overflow" error inside the sandbox instead of a host RangeError.
 */
export const SANDBOX_STACK_BYTES = 1024 * 1024;
export const WORKER_STACK_MB = 32;

/** Later layers override earlier ones; undefined fields are skipped. */
export function resolveLimits(...layers: (Partial<ScriptLimits> | undefined)[]): ScriptLimits {
  const out: ScriptLimits = { ...DEFAULT_SCRIPT_LIMITS };
  for (const layer of layers) {
    if (!layer) continue;
    for (const key of Object.keys(out) as (keyof ScriptLimits)[]) {
      const v = layer[key];
      if (typeof v === "number" && Number.isFinite(v) && v >= 0) out[key] = v;
    }
  }
  return out;
}

/** Extra time and memory granted to read a run's state back after the script was stopped. */
export const CLEANUP_MS = 250;
export const CLEANUP_EXTRA_BYTES = 16 * 1024 * 1024;
/** Linear memory a run may add beyond its limit before growth is refused (runtime overhead, fragmentation). */
export const MIN_CEILING_MARGIN_BYTES = 8 * 1024 * 1024;
