/**
 * Limits (SPEC §6): wall time (also after an await and inside long built-in calls), memory,
 * stack depth, outbound calls and log lines. Runaway tests assert the recorded reason; each
 * ends within its deadline plus the termination grace (and a worker restart at most).
 */
import { afterAll, describe, expect, it } from "vitest";
import { systemClock } from "../core/clock.js";
import { ScriptRuntime } from "./script-runtime.js";
import type { ScriptHttpResponse } from "./script-types.js";
import { recordingHttp } from "./test-support/recording-http.js";

const runtime = new ScriptRuntime({ clock: systemClock, poolSize: 1 });
afterAll(() => runtime.close());

const label = "chain 'c' link 'l' post_script";

describe("wall time", () => {
  it("stops `while (true) {}` at the deadline", async () => {
    const r = await runtime.run({ code: `let n = 0;\nwhile (true) { n++; }`, label, limits: { timeout_ms: 300 } }, recordingHttp().http);
    expect(r.error).toEqual({ code: "MFG_ERR_SCRIPT_TIMEOUT", label, message: expect.any(String) });
    expect(r.error!.message).toContain("exceeded its time limit of 300 ms");
  });

  it("stops a loop that starts after an await", async () => {
    const rec = recordingHttp();
    const r = await runtime.run(
      { code: `const res = await mockforge.http.get("http://127.0.0.1/x");\nmockforge.chain_context.set("status", res.status);\nfor (;;) {}`, label, limits: { timeout_ms: 300 } },
      rec.http,
    );
    expect(r.error).toMatchObject({ code: "MFG_ERR_SCRIPT_TIMEOUT" });
    expect(r.httpCalls).toHaveLength(1);
    // State read back after the interrupt: changes made before the loop are kept.
    expect(r.chainContext).toEqual({ status: 200 });
  });

  it("terminates and replaces a worker stuck in one long built-in call", async () => {
    // One `repeat` call of 5e7 characters runs for ~250 ms without any interrupt check.
    const r = await runtime.run({ code: `"x".repeat(5e7)`, label, limits: { timeout_ms: 20 } }, recordingHttp().http);
    expect(r.error).toMatchObject({ code: "MFG_ERR_SCRIPT_TIMEOUT" });
    expect(r.error!.message).toContain("its worker thread was stopped and replaced");
    const next = await runtime.run({ code: `return 1 + 1`, label }, recordingHttp().http);
    expect(next.returnValue).toBe(2);
  });

  it("times out a body still awaiting a call at the deadline, and aborts the call", async () => {
    const rec = recordingHttp(() => new Promise<ScriptHttpResponse>(() => {}));
    const r = await runtime.run({ code: `await mockforge.http.post("http://127.0.0.1/slow", {});`, label, limits: { timeout_ms: 200 } }, rec.http);
    expect(r.error).toMatchObject({ code: "MFG_ERR_SCRIPT_TIMEOUT" });
    expect(r.httpCalls).toEqual([{ method: "POST", url: "http://127.0.0.1/slow", status: null, error: "still in flight when the script ended", deliveryId: null }]);
    expect(rec.signals[0]!.aborted).toBe(true);
  });

  it("awaits left-running promises until the deadline, then ends without them", async () => {
    const rec = recordingHttp(() => new Promise<ScriptHttpResponse>(() => {}));
    // The test before this one had its worker replaced; time queued counts toward a run's
    // deadline, so wait for a worker first (a loaded machine once took over 1 s to start one).
    expect((await runtime.run({ code: `return 1`, label }, recordingHttp().http)).returnValue).toBe(1);
    const r = await runtime.run(
      { code: `mockforge.http.post("http://127.0.0.1/slow", {}).then(() => console.log("never"));
setTimeout(() => console.log("never either"), 60000);`, label, limits: { timeout_ms: 1000 } },
      rec.http,
    );
    // 1 s, not less: the body must have run to its end before the deadline even on a loaded
    // machine (at 200 ms the whole suite on 2 busy cores timed the body out once).
    expect(r.ok).toBe(true);
    expect(r.logs.map((l) => [l.level, l.message])).toEqual([
      ["warn", "the time limit of 1000 ms passed with 1 mockforge.http call(s) and 1 timer(s) still pending: the script ended without them"],
    ]);
    expect(r.httpCalls[0]).toMatchObject({ status: null, error: "still in flight when the script ended" });
    // Fire and forget: the call is left to finish on its own.
    expect(rec.signals[0]!.aborted).toBe(false);
  });

  it("keeps the main thread serving while a script spins", async () => {
    let ticks = 0;
    let done = false;
    const spin = () => {
      ticks++;
      if (!done) setImmediate(spin);
    };
    setImmediate(spin);
    const r = await runtime.run({ code: `while (true) {}`, label, limits: { timeout_ms: 400 } }, recordingHttp().http);
    done = true;
    expect(r.error!.code).toBe("MFG_ERR_SCRIPT_TIMEOUT");
    // A blocked event loop would have ticked once or twice in those 400 ms.
    expect(ticks).toBeGreaterThan(50);
  });
});

describe("memory and stack", () => {
  it("stops `for (;;) a.push(\"x\".repeat(1e6))` at the memory limit", async () => {
    const r = await runtime.run({ code: `const a = [];\nfor (;;) a.push("x".repeat(1e6));`, label }, recordingHttp().http);
    expect(r.error).toMatchObject({ code: "MFG_ERR_SCRIPT_MEMORY" });
    expect(r.error!.message).toContain("exceeded its memory limit of 64 MiB");
  });

  it("stops many small objects at the memory limit", async () => {
    const r = await runtime.run({ code: `const a = [];\nfor (let i = 0; ; i++) a.push({ i, s: "k" + i });`, label, limits: { memory_mb: 16 } }, recordingHttp().http);
    expect(r.error).toMatchObject({ code: "MFG_ERR_SCRIPT_MEMORY" });
    expect(r.error!.message).toContain("16 MiB");
  });

  it("ends deep recursion with a clean stack overflow, and the next run works", async () => {
    const r = await runtime.run({ code: `function f(n) {\n  return f(n + 1) + 1;\n}\nf(0);`, label }, recordingHttp().http);
    expect(r.error).toMatchObject({ code: "MFG_ERR_SCRIPT_RUNTIME", line: 2 });
    expect(r.error!.message).toContain("stack overflow (recursion too deep)");
    const next = await runtime.run({ code: `return "fine"`, label }, recordingHttp().http);
    expect(next.returnValue).toBe("fine");
  });
});

describe("outbound calls and logs", () => {
  it("allows 20 calls by default; the 21st rejects with MFG_ERR_SCRIPT_LIMIT", async () => {
    const rec = recordingHttp();
    const r = await runtime.run(
      {
        code: `for (let i = 0; i < 21; i++) {
          try { await mockforge.http.get("http://127.0.0.1/n/" + i); }
          catch (e) { return [i, e.code, e.message]; }
        }`,
        label,
      },
      rec.http,
    );
    expect(rec.calls).toHaveLength(20);
    expect(r.httpCalls).toHaveLength(20);
    expect(r.returnValue).toEqual([20, "MFG_ERR_SCRIPT_LIMIT", "mockforge.http: GET http://127.0.0.1/n/20 refused: a run may make 20 calls (max_http_calls)"]);
    expect(r.logs.at(-1)).toMatchObject({ level: "warn", message: expect.stringContaining("refused") });
  });

  it("fails the run with MFG_ERR_SCRIPT_LIMIT when the refused call is not caught", async () => {
    const r = await runtime.run({ code: `await mockforge.http.get("http://127.0.0.1/a");\nawait mockforge.http.get("http://127.0.0.1/b");`, label, limits: { max_http_calls: 1 } }, recordingHttp().http);
    expect(r.error).toMatchObject({ code: "MFG_ERR_SCRIPT_LIMIT", line: 2 });
  });

  it("keeps 200 lines of a 10,000-line flood and counts the rest", async () => {
    const r = await runtime.run({ code: `for (let i = 0; i < 10000; i++) console.log("line", i);`, label }, recordingHttp().http);
    expect(r.ok).toBe(true);
    expect(r.logs).toHaveLength(200);
    expect(r.logs[0]!.message).toBe("line 0");
    expect(r.logs[199]!.message).toBe("line 199");
    expect(r.logsDropped).toBe(9800);
  });

  it("cuts very long lines", async () => {
    const r = await runtime.run({ code: `console.log("y".repeat(20000))`, label }, recordingHttp().http);
    expect(r.logs[0]!.message.startsWith("y".repeat(8192) + "… (cut: the line had 20000 characters")).toBe(true);
  });
});
