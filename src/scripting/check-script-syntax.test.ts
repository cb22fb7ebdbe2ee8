import { afterAll, describe, expect, it } from "vitest";
import { systemClock } from "../core/clock.js";
import { checkScriptSyntax, loadScriptSyntaxChecker } from "./check-script-syntax.js";
import { ScriptRuntime } from "./script-runtime.js";
import { recordingHttp } from "./test-support/recording-http.js";

// These checks run synchronously here, with no entry point that loads QuickJS first.
await loadScriptSyntaxChecker();

describe("checkScriptSyntax", () => {
  it("accepts scripts with top-level await and return", () => {
    expect(checkScriptSyntax(`const r = await mockforge.http.get("http://x");\nif (r.status > 299) return;\nconsole.log(r.status);`)).toEqual({ ok: true });
  });

  it("reports the script's own line and column", () => {
    expect(checkScriptSyntax(`const a = 1;\n\nconst b = ;`)).toEqual({ ok: false, message: "SyntaxError: unexpected token in expression: ';'", line: 3, column: 11 });
    expect(checkScriptSyntax(`let x = = 1`)).toMatchObject({ ok: false, line: 1, column: 9 });
  });

  it("reports an unterminated script at its last line", () => {
    expect(checkScriptSyntax(`function f() {\n  return 1;`)).toMatchObject({ ok: false, line: 2 });
  });

  it("does not run anything, even code that closes the wrapper early", () => {
    expect(checkScriptSyntax(`while (true) {}`)).toEqual({ ok: true });
    expect(checkScriptSyntax(`}); while (true) {} (function () {`)).toEqual({ ok: true });
  });
});

describe("checkScriptSyntax agrees with the runtime", () => {
  const runtime = new ScriptRuntime({ clock: systemClock, poolSize: 1 });
  afterAll(() => runtime.close());

  it("reports the same position a run reports", async () => {
    const code = `const x = {\n  a: 1,\n  b: 2\n  c: 3\n};`;
    const checked = checkScriptSyntax(code);
    const run = await runtime.run({ code, label: "rule 'r' script" }, recordingHttp().http);
    expect(checked.ok).toBe(false);
    expect(run.error).toMatchObject({ code: "MFG_ERR_SCRIPT_SYNTAX" });
    if (!checked.ok) expect([run.error!.line, run.error!.column]).toEqual([checked.line, checked.column]);
  });
});
