/**
 * Syntax check for config validation: compiles a script with the same QuickJS build and the
 * same wrapper the sandbox uses, so the verdict and the line/column match what a run would
 * report. `compileOnly` means nothing is executed, not even code that closes the wrapper early.
 */
import { getQuickJS } from "quickjs-emscripten";
import { SCRIPT_FILE, scriptPosition, wrapScript } from "./wrap-script.js";

// Loaded once when the module is imported (~15 ms) so the check itself can be synchronous.
const quickjs = await getQuickJS();
// One runtime for every check: compiling leaves no state behind. Capped so a huge script
// cannot grow the main thread's heap without bound.
const runtime = quickjs.newRuntime();
runtime.setMemoryLimit(64 * 1024 * 1024);
runtime.setMaxStackSize(512 * 1024);
const context = runtime.newContext();

export type ScriptSyntaxCheck = { ok: true } | { ok: false; message: string; line: number; column: number };

/**
 * Parses `code` as a script body without running it.
 *
 * @example
 * checkScriptSyntax("const x = ;");
 * // → { ok: false, message: "SyntaxError: unexpected token in expression: ';'", line: 1, column: 11 }
 */
export function checkScriptSyntax(code: string): ScriptSyntaxCheck {
  const result = context.evalCode(wrapScript(code), SCRIPT_FILE, { compileOnly: true });
  if (!result.error) {
    result.value.dispose();
    return { ok: true };
  }
  const dumped: unknown = context.dump(result.error);
  result.error.dispose();
  const err = (dumped ?? {}) as { name?: string; message?: string; stack?: string };
  const pos = scriptPosition(err.stack, code) ?? { line: 1, column: 1 };
  const message = `${err.name ?? "SyntaxError"}: ${err.message ?? String(dumped)}`;
  return { ok: false, message, line: pos.line, column: pos.column };
}
