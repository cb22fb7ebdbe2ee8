import { describe, expect, it } from "vitest";
import type { ConformanceContext } from "./conformance-context.js";
import { expectRoundTrip } from "./round-trip.js";
import { AWKWARD_JSON, T0, journalEntry } from "./storage-fixtures.js";

/** Journal contract: append visibility, newest-first order, filters, limits, prune, clear. */
export function journalConformance(ctx: ConformanceContext): void {
  describe("journal", () => {
    it("sees an entry as soon as append resolves (buffering is invisible)", async () => {
      const j = ctx.storage().journal;
      const e = journalEntry();
      await j.append(e);
      expect(await j.list()).toEqual([e]);
      expect(await j.get(e.id)).toEqual(e);
      expect(await j.count()).toBe(1);
    });

    it("lists newest first by time, ties by arrival (later first)", async () => {
      const j = ctx.storage().journal;
      const a = journalEntry({ time: T0 + 10 });
      const b = journalEntry({ time: T0 + 30 });
      const c = journalEntry({ time: T0 + 20 });
      const d = journalEntry({ time: T0 + 30 });
      for (const e of [a, b, c, d]) await j.append(e);
      expect((await j.list()).map((e) => e.id)).toEqual([d.id, b.id, c.id, a.id]);
    });

    it("filters by method, exact path, routeId and since, combined", async () => {
      const j = ctx.storage().journal;
      const get = journalEntry({ method: "GET", path: "/a", time: T0 + 1 });
      const postA = journalEntry({ method: "POST", path: "/a", routeId: "r1", time: T0 + 2 });
      const postAb = journalEntry({ method: "POST", path: "/a/b", routeId: "r2", time: T0 + 3 });
      const unmatched = journalEntry({ method: "POST", path: "/nope", routeId: null, status: 404, time: T0 + 4 });
      for (const e of [get, postA, postAb, unmatched]) await j.append(e);
      const ids = async (f: Parameters<typeof j.list>[0]) => (await j.list(f)).map((e) => e.id);
      expect(await ids({ method: "GET" })).toEqual([get.id]);
      expect(await ids({ path: "/a" })).toEqual([postA.id, get.id]);
      expect(await ids({ routeId: "r2" })).toEqual([postAb.id]);
      expect(await ids({ since: T0 + 3 })).toEqual([unmatched.id, postAb.id]);
      expect(await ids({ method: "POST", path: "/a", since: T0 })).toEqual([postA.id]);
      expect(await ids({ method: "DELETE" })).toEqual([]);
    });

    it("returns at most 100 by default and honours an explicit limit", async () => {
      const j = ctx.storage().journal;
      for (let i = 0; i < 105; i++) await j.append(journalEntry({ time: T0 + i }));
      const all = await j.list();
      expect(all).toHaveLength(100);
      expect(all[0]!.time).toBe(T0 + 104);
      expect((await j.list({ limit: 3 })).map((e) => e.time)).toEqual([T0 + 104, T0 + 103, T0 + 102]);
      expect(await j.list({ limit: 0 })).toEqual([]);
      expect(await j.list({ limit: 500 })).toHaveLength(105);
      expect(await j.count()).toBe(105);
    });

    it("ignores an append whose id is already journaled (first one wins)", async () => {
      const j = ctx.storage().journal;
      const e = journalEntry();
      await j.append(e);
      await j.append({ ...e, path: "/second" });
      expect(await j.count()).toBe(1);
      expect(await j.get(e.id)).toEqual(e);
    });

    it("round-trips JSON exactly: unicode, nesting, null body, base64, arrays, notes; a missing id is undefined", async () => {
      const j = ctx.storage().journal;
      const rich = journalEntry({
        headers: { "x-ünï": "värde ✓", "set-cookie": ["a=1", "b=2"] },
        query: { q: "日本", list: ["1", "2"] },
        params: { id: "42" },
        body: AWKWARD_JSON,
        rawBody: JSON.stringify(AWKWARD_JSON),
        notes: ["loop guard: depth 9 > 8, no webhooks", "ünïcode"],
        traceId: "trc_1",
      });
      const empty = journalEntry({ body: null, rawBody: "", headers: {}, query: {}, notes: [] });
      const binary = journalEntry({ body: null, rawBody: "AAECAwQ=", rawBodyEncoding: "base64", durationMs: 0.001 });
      await expectRoundTrip(j, (e) => j.append(e), [rich, empty, binary], "req_missing");
      const got = await j.get(rich.id);
      expect(Object.keys(got!).sort()).toEqual(Object.keys(rich).sort());
    });

    it("round-trips a route's signature check, and leaves it out where there was none", async () => {
      const j = ctx.storage().journal;
      const checked = journalEntry({ signature: { valid: false, scheme: "stripe", reason: "stale_timestamp", message: "timestamp is 900 s old (tolerance 300 s)" } });
      const plain = journalEntry();
      for (const e of [checked, plain]) await j.append(e);
      expect(await j.get(checked.id)).toEqual(checked);
      expect(Object.keys((await j.get(plain.id))!)).not.toContain("signature");
    });

    it("hands out copies: mutating a result does not change the store", async () => {
      const j = ctx.storage().journal;
      const e = journalEntry();
      await j.append(e);
      const [listed] = await j.list();
      listed!.path = "/mutated-after-list";
      listed!.headers["x-added"] = "1";
      expect((await j.get(e.id))!.path).toBe("/webhooks/orders");
      expect((await j.get(e.id))!.headers["x-added"]).toBeUndefined();
    });

    it("clear removes everything", async () => {
      const j = ctx.storage().journal;
      for (let i = 0; i < 3; i++) await j.append(journalEntry());
      await j.clear();
      expect(await j.count()).toBe(0);
      expect(await j.list()).toEqual([]);
    });

    it("prune keeps the newest max and says how many it removed", async () => {
      const j = ctx.storage().journal;
      const entries = [30, 10, 50, 20, 40].map((t) => journalEntry({ time: T0 + t }));
      for (const e of entries) await j.append(e);
      expect(await j.prune(10)).toBe(0);
      expect(await j.prune(2)).toBe(3);
      expect((await j.list()).map((e) => e.time)).toEqual([T0 + 50, T0 + 40]);
      expect(await j.count()).toBe(2);
      expect(await j.prune(0)).toBe(2);
      expect(await j.count()).toBe(0);
    });

    it("prune drops the oldest by time, then by arrival, whatever order entries came in", async () => {
      const j = ctx.storage().journal;
      // A slow request finishes after a fast later one: older entries arrive after newer ones.
      const [a, b, c, d, e] = [20, 10, 20, 10, 30].map((t) => journalEntry({ time: T0 + t }));
      for (const x of [a, b, c, d, e]) await j.append(x);
      const ids = async () => (await j.list()).map((x) => x.id);
      expect(await ids()).toEqual([e.id, c.id, a.id, d.id, b.id]);
      expect(await j.list({ since: T0 + 20, limit: 2 })).toEqual([e, c]);
      expect(await j.prune(3)).toBe(2);
      expect(await ids()).toEqual([e.id, c.id, a.id]);
      expect(await j.prune(2)).toBe(1);
      expect(await ids()).toEqual([e.id, c.id]);
      expect(await j.get(a.id)).toBeUndefined();
      expect(await j.count()).toBe(2);
    });

    it("keeps every entry of a burst larger than any batch", async () => {
      const j = ctx.storage().journal;
      await Promise.all(Array.from({ length: 450 }, (_, i) => j.append(journalEntry({ time: T0 + i }))));
      expect(await j.count()).toBe(450);
      expect((await j.list({ limit: 1 }))[0]!.time).toBe(T0 + 449);
    });
  });
}
