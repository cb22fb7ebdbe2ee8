/**
 * The worker pool: runs in parallel, a bounded queue, cancellation and shutdown.
 */
import { describe, expect, it } from "vitest";
import { systemClock } from "../core/clock.js";
import { isMockForgeError } from "../core/errors.js";
import { ScriptRuntime } from "./script-runtime.js";
import type { ScriptHttpResponse } from "./script-types.js";
import { recordingHttp } from "./test-support/recording-http.js";
import { withRuntime } from "./test-support/with-runtime.js";

const label = "pool test";

/** An http fake whose answers wait until `release()`; `called(n)` resolves once n calls arrived. */
function gatedHttp() {
  let open: () => void = () => {};
  const gate = new Promise<void>((r) => (open = r));
  const waiters: { n: number; resolve: () => void }[] = [];
  const rec = recordingHttp(async (_call, n) => {
    for (const w of waiters) if (n >= w.n) w.resolve();
    await gate;
    return { status: 200, headers: {}, body: null } satisfies ScriptHttpResponse;
  });
  return {
    ...rec,
    release: () => open(),
    called: (n: number) => new Promise<void>((resolve) => (rec.calls.length >= n ? resolve() : waiters.push({ n, resolve }))),
  };
}

describe("ScriptRuntime pool", () => {
  it("runs scripts on every worker at once and queues the rest", async () => {
    await withRuntime({ poolSize: 2 }, async (runtime) => {
      const gate = gatedHttp();
      const runs = Array.from({ length: 6 }, (_, i) =>
        runtime.run({ code: `await mockforge.http.get("http://127.0.0.1/${i}"); return ${i};`, label }, gate.http),
      );
      // Both workers are inside a script at the same time; four runs wait in the queue.
      await gate.called(2);
      expect(runtime.stats()).toEqual({ workers: 2, busy: 2, queued: 4 });
      gate.release();
      const results = await Promise.all(runs);
      expect(results.map((r) => r.returnValue)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(runtime.stats()).toEqual({ workers: 2, busy: 0, queued: 0 });
    });
  });

  it("completes many short runs across the pool", async () => {
    await withRuntime({ poolSize: 2 }, async (runtime) => {
      await runtime.warmUp();
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => runtime.run({ code: `mockforge.chain_context.set("i", ${i})`, label }, recordingHttp().http)),
      );
      expect(results.every((r, i) => r.ok && r.chainContext.i === i)).toBe(true);
    });
  });

  it("answers MFG_ERR_SCRIPT_LIMIT when the queue is full", async () => {
    await withRuntime({ poolSize: 1, maxQueue: 1 }, async (runtime) => {
      // Started workers: the first run goes straight to one instead of waiting in the queue.
      await runtime.warmUp();
      const gate = gatedHttp();
      const first = runtime.run({ code: `await mockforge.http.get("http://127.0.0.1/")`, label }, gate.http);
      const second = runtime.run({ code: `return 2`, label }, gate.http);
      const third = await runtime.run({ code: `return 3`, label }, gate.http);
      expect(third.error).toMatchObject({ code: "MFG_ERR_SCRIPT_LIMIT" });
      expect(third.error!.message).toContain("1 scripts are already waiting for a worker");
      await gate.called(1);
      gate.release();
      expect((await first).ok).toBe(true);
      expect((await second).returnValue).toBe(2);
    });
  });

  it("cancels a queued run and a spinning run through their signals", async () => {
    await withRuntime({ poolSize: 1 }, async (runtime) => {
      const spinning = new AbortController();
      const queued = new AbortController();
      // The marker call reaches the host right before the loop starts.
      const { http } = recordingHttp(() => {
        queued.abort();
        spinning.abort();
        return { status: 200, headers: {}, body: null };
      });
      const a = runtime.run({ code: `mockforge.http.get("http://127.0.0.1/marker");\nwhile (true) {}`, label, limits: { timeout_ms: 30_000 } }, http, { signal: spinning.signal });
      const b = runtime.run({ code: `return "never"`, label }, http, { signal: queued.signal });
      const [ra, rb] = await Promise.all([a, b]);
      expect(ra.error).toMatchObject({ code: "MFG_ERR_SCRIPT_STOPPED", message: `Script ${label} was cancelled by its caller` });
      expect(rb.error).toMatchObject({ code: "MFG_ERR_SCRIPT_STOPPED" });
      expect(rb.error!.message).toContain("before it started");
      const pre = new AbortController();
      pre.abort();
      expect((await runtime.run({ code: `return 1`, label }, http, { signal: pre.signal })).error!.code).toBe("MFG_ERR_SCRIPT_STOPPED");
    });
  });

  it("close() ends running and queued scripts, and later runs reject", async () => {
    const runtime = new ScriptRuntime({ clock: systemClock, poolSize: 1 });
    const gate = gatedHttp();
    const running = runtime.run({ code: `await mockforge.http.get("http://127.0.0.1/")`, label }, gate.http);
    const waiting = runtime.run({ code: `return 1`, label }, gate.http);
    await gate.called(1);
    await runtime.close();
    expect((await running).error).toMatchObject({ code: "MFG_ERR_SCRIPT_STOPPED" });
    expect((await waiting).error).toMatchObject({ code: "MFG_ERR_SCRIPT_STOPPED" });
    expect(gate.signals[0]!.aborted).toBe(true);
    const after = await runtime.run({ code: `return 1`, label }, gate.http).catch((e: unknown) => e);
    expect(isMockForgeError(after, "MFG_ERR_SCRIPT_STOPPED")).toBe(true);
  });
});
