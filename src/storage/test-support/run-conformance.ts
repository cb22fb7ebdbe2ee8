import { describe, expect, it } from "vitest";
import type { ConformanceContext } from "./conformance-context.js";
import { expectRoundTrip } from "./round-trip.js";
import { AWKWARD_JSON, T0, run } from "./storage-fixtures.js";

/** Run history: put as upsert, newest-first lists with filters, prune per kind, clear. */
export function runConformance(ctx: ConformanceContext): void {
  describe("runs", () => {
    it("round-trips a run and answers undefined for a missing id", async () => {
      const r = ctx.storage().runs;
      const a = run({ data: AWKWARD_JSON, finishedAt: null, status: "running" });
      const b = run({ data: null });
      await expectRoundTrip(r, (x) => r.put(x), [a, b], "run_missing");
    });

    it("put replaces a run with the same id", async () => {
      const r = ctx.storage().runs;
      const a = run({ status: "running", finishedAt: null, data: { links: [] } });
      await r.put(a);
      const finished = { ...a, status: "partial", finishedAt: T0 + 99, data: { links: [{ id: "x" }] } };
      await r.put(finished);
      expect(await r.get(a.id)).toEqual(finished);
      expect(await r.list()).toEqual([finished]);
    });

    it("lists newest first by startedAt with every filter and the default limit", async () => {
      const r = ctx.storage().runs;
      const c1 = run({ startedAt: T0 + 1, refId: "orders" });
      const c2 = run({ startedAt: T0 + 3, refId: "payments", status: "failed" });
      const s1 = run({ startedAt: T0 + 2, kind: "scenario", refId: "orders" });
      const c3 = run({ startedAt: T0 + 3, refId: "orders" });
      for (const x of [c1, c2, s1, c3]) await r.put(x);
      const ids = async (f?: Parameters<typeof r.list>[0]) => (await r.list(f)).map((x) => x.id);
      expect(await ids()).toEqual([c3.id, c2.id, s1.id, c1.id]);
      expect(await ids({ kind: "chain" })).toEqual([c3.id, c2.id, c1.id]);
      expect(await ids({ refId: "orders" })).toEqual([c3.id, s1.id, c1.id]);
      expect(await ids({ status: "failed" })).toEqual([c2.id]);
      expect(await ids({ since: T0 + 2 })).toEqual([c3.id, c2.id, s1.id]);
      expect(await ids({ kind: "chain", refId: "orders", since: T0 + 2 })).toEqual([c3.id]);
      expect(await ids({ limit: 1 })).toEqual([c3.id]);
      for (let i = 0; i < 100; i++) await r.put(run({ startedAt: T0 - 1000 + i }));
      expect(await r.list()).toHaveLength(100);
    });

    it("prune keeps the newest max of one kind and leaves other kinds alone", async () => {
      const r = ctx.storage().runs;
      const chains = [5, 1, 4, 2, 3].map((t) => run({ startedAt: T0 + t }));
      const scenario = run({ kind: "scenario", startedAt: T0 - 100 });
      for (const x of [...chains, scenario]) await r.put(x);
      expect(await r.prune("chain", 10)).toBe(0);
      expect(await r.prune("chain", 2)).toBe(3);
      expect((await r.list({ kind: "chain" })).map((x) => x.startedAt)).toEqual([T0 + 5, T0 + 4]);
      expect(await r.get(scenario.id)).toEqual(scenario);
      expect(await r.prune("rule", 0)).toBe(0);
    });

    it("clear(kind) empties one kind, clear() empties all", async () => {
      const r = ctx.storage().runs;
      const c = run();
      const s = run({ kind: "scenario" });
      const x = run({ kind: "script" });
      for (const v of [c, s, x]) await r.put(v);
      await r.clear("chain");
      expect((await r.list()).map((v) => v.id).sort()).toEqual([s.id, x.id].sort());
      await r.clear();
      expect(await r.list()).toEqual([]);
    });
  });
}
