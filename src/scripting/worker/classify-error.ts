import type { ScriptLimits } from "../script-types.js";
import type { SandboxError } from "../worker-protocol.js";
import { scriptPosition } from "../wrap-script.js";

/** Why the run was stopped from outside the script, if it was. */
export type StopReason = "timeout" | "memory" | "cancel" | null;

export interface ClassifyContext {
  code: string;
  limits: ScriptLimits;
  stop: StopReason;
  /** The error came from compiling the script (not from running it). */
  compiling: boolean;
  /** The run hit its memory ceiling: QuickJS then throws "out of memory", or null when even that error could not be allocated. */
  ceilingHit: boolean;
}

interface DumpedError {
  name?: unknown;
  message?: unknown;
  stack?: unknown;
  code?: unknown;
}

/**
 * Turns what QuickJS threw (as `context.dump` gives it) into a coded error with the script's
 * own line and column. Interrupts are told apart by the stop reason the interrupt handler
 * recorded, since QuickJS reports them all as "InternalError: interrupted".
 */
export function classifyError(dumped: unknown, c: ClassifyContext): SandboxError {
  const obj = dumped !== null && typeof dumped === "object" ? (dumped as DumpedError) : null;
  // Error objects dump with a stack; anything else thrown (`throw { reason }`) is shown as JSON.
  const e = obj && (typeof obj.stack === "string" || (typeof obj.name === "string" && typeof obj.message === "string")) ? obj : null;
  const pos = scriptPosition(typeof e?.stack === "string" ? e.stack : undefined, c.code);
  const at = pos ? { line: pos.line, column: pos.column } : {};
  // The hints of the limits are completed with the key that raises them where the script's
  // origin is known (build-script-result.ts). An interrupt's position is that of the last interrupt check, often a line before the
  // loop that ran away: no position beats a misleading one.
  if (c.stop === "timeout") {
    return { code: "MFG_ERR_SCRIPT_TIMEOUT", message: `exceeded its time limit of ${c.limits.timeout_ms} ms`, hint: "look for a loop that never ends" };
  }
  if (c.stop === "memory") return memoryError(c, {});
  if (c.stop === "cancel") return { code: "MFG_ERR_SCRIPT_STOPPED", message: "was cancelled by its caller" };
  const name = typeof e?.name === "string" ? e.name : "Error";
  const message = e ? String(e.message ?? "") : `Uncaught ${safeJson(dumped)}`;
  if ((name === "InternalError" && /out of memory/i.test(message)) || (dumped === null && c.ceilingHit)) return memoryError(c, at);
  const text = e ? `${name}: ${message}` : message;
  if (e?.code === "MFG_ERR_SCRIPT_LIMIT") return { code: "MFG_ERR_SCRIPT_LIMIT", message: text, ...at };
  if (c.compiling && name === "SyntaxError") return { code: "MFG_ERR_SCRIPT_SYNTAX", message: text, ...at };
  if (name === "InternalError" && /stack overflow/.test(message)) {
    return { code: "MFG_ERR_SCRIPT_RUNTIME", message: text, hint: "recursion too deep", ...at };
  }
  return { code: "MFG_ERR_SCRIPT_RUNTIME", message: text, ...at };
}

function memoryError(c: ClassifyContext, at: { line?: number; column?: number }): SandboxError {
  return { code: "MFG_ERR_SCRIPT_MEMORY", message: `exceeded its memory limit of ${c.limits.memory_mb} MiB`, hint: "keep less data", ...at };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** A host-level failure (the native stack overflowing inside QuickJS, a WASM abort), as the run's error. */
export function hostFailure(e: unknown): SandboxError {
  return e instanceof RangeError
    ? { code: "MFG_ERR_SCRIPT_RUNTIME", message: `RangeError: ${e.message}`, hint: "recursion too deep" }
    : { code: "MFG_ERR_SCRIPT_RUNTIME", message: `the sandbox failed: ${String(e)}` };
}
