/**
 * Issue 15, item 9: runaway scripts must not stall everyone else's. One group (a route's
 * scripts) holds at most its share of the pool, time spent waiting counts toward a run's limit,
 * and a waiting run whose caller went away is dropped. Asserted by order of completion, not by
 * timing: the runaway scripts here would run far longer than the test.
 */
import { describe, expect, it } from "vitest";
import type { ScriptHttpResponse, ScriptResult } from "./script-types.js";
import { recordingHttp } from "./test-support/recording-http.js";
import { withRuntime } from "./test-support/with-runtime.js";

const runaway = (group: string, timeout_ms = 60_000) => ({ code: "while (true) {}", label: `${group} script`, group, limits: { timeout_ms } });

/** Tracks which runs have settled, so a test can say "this one finished while those had not". */
function settledFlags(runs: Promise<ScriptResult>[]): boolean[] {
  const flags = runs.map(() => false);
  runs.forEach((r, i) => void r.then(() => (flags[i] = true)));
  return flags;
}

describe("script pool fairness", () => {
  it("20 runaway scripts of one route hold half the pool; another route's script completes meanwhile", async () => {
    await withRuntime({ poolSize: 2 }, async (runtime) => {
      await runtime.warmUp();
      const { http } = recordingHttp();
      const stuck = Array.from({ length: 20 }, () => runtime.run(runaway("route:GET /spin"), http));
      const stuckDone = settledFlags(stuck);
      expect(runtime.stats()).toMatchObject({ busy: 1, queued: 19 });
      const normal = await runtime.run({ code: "return 42", label: "route GET /ok script", group: "route:GET /ok" }, http);
      expect(normal.ok).toBe(true);
      expect(normal.returnValue).toBe(42);
      expect(stuckDone.some(Boolean)).toBe(false);
      expect(runtime.stats()).toMatchObject({ queued: 19 });
    });
  });

  it("time spent waiting for a worker counts toward a run's time limit", async () => {
    await withRuntime({ poolSize: 1, maxPoolShare: 1 }, async (runtime) => {
      const { http } = recordingHttp();
      const hog = runtime.run(runaway("route:GET /spin"), http);
      const [hogDone] = settledFlags([hog]);
      const late = await runtime.run({ code: "return 1", label: "route GET /ok script", group: "route:GET /ok", limits: { timeout_ms: 200 } }, http);
      expect(late.error).toMatchObject({ code: "MFG_ERR_SCRIPT_TIMEOUT" });
      expect(late.error!.message).toMatch(/waited \d+ ms for a free script worker and reached its time limit of 200 ms before it started/);
      expect(hogDone).toBe(false);
    });
  });

  it("a waiting run whose caller went away is dropped; a started one finishes", async () => {
    await withRuntime({ poolSize: 1 }, async (runtime) => {
      let open: () => void = () => {};
      const gate = new Promise<void>((r) => (open = r));
      let called: () => void = () => {};
      const inside = new Promise<void>((r) => (called = r));
      const { http } = recordingHttp(async () => {
        called();
        await gate;
        return { status: 200, headers: {}, body: null } satisfies ScriptHttpResponse;
      });
      const goneA = new AbortController();
      const goneB = new AbortController();
      const a = runtime.run({ code: `await mockforge.http.get("http://127.0.0.1/"); return "a"`, label: "a" }, http, { gone: goneA.signal });
      const b = runtime.run({ code: `return "b"`, label: "b" }, http, { gone: goneB.signal });
      await inside;
      goneA.abort();
      goneB.abort();
      expect((await b).error).toMatchObject({ code: "MFG_ERR_SCRIPT_STOPPED", message: "Script b was dropped before it started: its caller went away" });
      open();
      expect((await a).returnValue).toBe("a");
    });
  });

  it("max_pool_share 1 lets one group take every worker", async () => {
    await withRuntime({ poolSize: 2, maxPoolShare: 1 }, async (runtime) => {
      await runtime.warmUp();
      const { http } = recordingHttp();
      const runs = [runtime.run(runaway("route:GET /spin"), http), runtime.run(runaway("route:GET /spin"), http)];
      expect(runtime.stats()).toMatchObject({ busy: 2, queued: 0 });
      settledFlags(runs);
    });
  });
});
