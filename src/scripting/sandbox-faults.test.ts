/**
 * Script faults come back as coded errors with the script's own line and column and the
 * label; nothing outside the sandbox is reachable (SPEC §6).
 */
import { afterAll, describe, expect, it } from "vitest";
import { systemClock } from "../core/clock.js";
import { ScriptRuntime } from "./script-runtime.js";
import { recordingHttp } from "./test-support/recording-http.js";

const runtime = new ScriptRuntime({ clock: systemClock, poolSize: 1 });
afterAll(() => runtime.close());

const label = "route POST /api/orders script";
const run = (code: string) => runtime.run({ code, label }, recordingHttp().http);

describe("errors", () => {
  it("reports a thrown error with its line, column and label", async () => {
    const r = await run(`const a = 1;\nconst b = 2;\n    throw new Error("boom " + (a + b));`);
    expect(r.ok).toBe(false);
    expect(r.error).toEqual({
      code: "MFG_ERR_SCRIPT_RUNTIME",
      message: `Script ${label} failed at line 3:20: Error: boom 3`,
      line: 3,
      column: 20,
      label,
    });
  });

  it("reports a TypeError deep in a helper at the helper's line", async () => {
    const r = await run(`function total(order) {\n  return order.items.length;\n}\nreturn total({});`);
    expect(r.error).toMatchObject({ code: "MFG_ERR_SCRIPT_RUNTIME", line: 2 });
    expect(r.error!.message).toContain("TypeError: cannot read property 'length' of undefined");
  });

  it("reports a syntax error at its line and column", async () => {
    const r = await run(`const ok = 1;\nconst bad = ;\n`);
    expect(r.error).toMatchObject({ code: "MFG_ERR_SCRIPT_SYNTAX", line: 2, column: 13, label });
    expect(r.error!.message).toBe(`Script ${label} failed at line 2:13: SyntaxError: unexpected token in expression: ';'`);
  });

  it("reports an unterminated block at the end of the script", async () => {
    const r = await run(`if (true) {\n  console.log(1);`);
    expect(r.error).toMatchObject({ code: "MFG_ERR_SCRIPT_SYNTAX", line: 2 });
  });

  it("reports a thrown non-error value", async () => {
    const r = await run(`throw { reason: "nope" }`);
    expect(r.error).toMatchObject({ code: "MFG_ERR_SCRIPT_RUNTIME" });
    expect(r.error!.message).toContain('Uncaught {"reason":"nope"}');
  });

  it("reports an error thrown in a timer callback", async () => {
    const r = await run(`setTimeout(() => {\n  null.x;\n}, 1);`);
    expect(r.error).toMatchObject({ code: "MFG_ERR_SCRIPT_RUNTIME", line: 2 });
  });

  it("ends a script that awaits a promise nothing can settle, without waiting for the deadline", async () => {
    const r = await runtime.run({ code: `await new Promise(() => {})`, label, limits: { timeout_ms: 60_000 } }, recordingHttp().http);
    expect(r.error!.message).toContain("awaits a promise that nothing will ever settle");
  });

  it("refuses input that is not JSON before running anything", async () => {
    const { http, calls } = recordingHttp();
    const r = await runtime.run({ code: `mockforge.http.get("http://127.0.0.1/")`, label, chainContext: { n: 10n } }, http);
    expect(r.error).toMatchObject({ code: "MFG_ERR_SCRIPT_RUNTIME" });
    expect(r.error!.message).toContain("is not JSON");
    expect(calls).toEqual([]);
  });

  it("keeps the chain context changes made before the error", async () => {
    const r = await runtime.run({ code: `mockforge.chain_context.set("step", 1);\nthrow new Error("after")`, label, chainContext: { a: 1 } }, recordingHttp().http);
    expect(r.error!.line).toBe(2);
    expect(r.chainContext).toEqual({ a: 1, step: 1 });
  });
});

describe("isolation", () => {
  it("has no process, require, fetch or module loading", async () => {
    const r = await run(`return [typeof process, typeof globalThis.process, typeof require, typeof fetch, typeof module, typeof XMLHttpRequest, typeof Deno]`);
    expect(r.returnValue).toEqual(["undefined", "undefined", "undefined", "undefined", "undefined", "undefined", "undefined"]);
  });

  it("cannot reach the host through the Function constructor", async () => {
    const viaThis = await run(`return this.constructor.constructor("return process")()`);
    expect(viaThis.error).toMatchObject({ code: "MFG_ERR_SCRIPT_RUNTIME" });
    expect(viaThis.error!.message).toContain("ReferenceError: 'process' is not defined");
    const viaGlobal = await run(`return Function("return typeof globalThis.process + typeof globalThis.require")()`);
    expect(viaGlobal.returnValue).toBe("undefinedundefined");
  });

  it("cannot require or import modules", async () => {
    const req = await run(`require("fs")`);
    expect(req.error!.message).toContain("ReferenceError: 'require' is not defined");
    const imp = await run(`await import("node:fs")`);
    expect(imp.error).toMatchObject({ code: "MFG_ERR_SCRIPT_RUNTIME" });
    expect(imp.error!.message).toContain("could not load module 'node:fs'");
  });

  it("cannot fetch: the only way out is mockforge.http", async () => {
    const r = await run(`await fetch("http://127.0.0.1/")`);
    expect(r.error!.message).toContain("ReferenceError: 'fetch' is not defined");
  });
});
