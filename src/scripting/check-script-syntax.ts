/**
 * Syntax check for config validation: compiles a script with the same QuickJS build and the
 * same wrapper the sandbox uses, so the verdict and the line/column match what a run would
 * report. `compileOnly` means nothing is executed, not even code that closes the wrapper early.
 */
import { createRequire } from "node:module";
import type { QuickJSContext } from "quickjs-emscripten";
import { SCRIPT_FILE, scriptPosition, wrapScript } from "./wrap-script.js";

let context: QuickJSContext | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads QuickJS for `checkScriptSyntax`, once (later calls return the same promise). Not done
 * at import: the wasm module costs every start ~60 ms of CPU and ~11 MiB, and most configs have
 * no script (issue 20). Whoever may check a script awaits this first: the domain checks when a
 * config has one, a chain file that names one, the admin endpoints that take routes or chains,
 * a cluster member (a change from another member may carry one), and the package entry.
 */
export function loadScriptSyntaxChecker(): Promise<void> {
  // require, not import(): the CLI bundle runs from a V8 code cache, and Node 20 loses a cached
  // script's dynamic-import callback (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING; bin/load-bundle.js).
  loading ??= (async () => {
    const { getQuickJS } = createRequire(import.meta.url)("quickjs-emscripten") as typeof import("quickjs-emscripten");
    const quickjs = await getQuickJS();
    // One runtime for every check: compiling leaves no state behind. Capped so a huge script
    // cannot grow the main thread's heap without bound.
    const runtime = quickjs.newRuntime();
    runtime.setMemoryLimit(64 * 1024 * 1024);
    runtime.setMaxStackSize(512 * 1024);
    context = runtime.newContext();
  })();
  return loading;
}

export type ScriptSyntaxCheck = { ok: true } | { ok: false; message: string; line: number; column: number };

/**
 * Parses `code` as a script body without running it.
 *
 * @throws Error before `loadScriptSyntaxChecker()` has resolved
 * @example
 * await loadScriptSyntaxChecker();
 * checkScriptSyntax("const x = ;");
 * // → { ok: false, message: "SyntaxError: unexpected token in expression: ';'", line: 1, column: 11 }
 */
export function checkScriptSyntax(code: string): ScriptSyntaxCheck {
  if (!context) {
    // A bug of ours (an entry point that forgot to load it), not a user's error: no catalogue code.
    throw new Error("checkScriptSyntax was called before loadScriptSyntaxChecker() resolved");
  }
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
