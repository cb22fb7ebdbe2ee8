import type { ScriptLimits } from "./script-types.js";

/** SPEC §6 defaults: 5 s wall time, 64 MiB heap, 20 outbound calls, 200 log lines. */
export const DEFAULT_SCRIPT_LIMITS: Readonly<ScriptLimits> = Object.freeze({
  timeout_ms: 5000,
  memory_mb: 64,
  max_http_calls: 20,
  max_log_lines: 200,
});

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
