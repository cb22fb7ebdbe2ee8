import { describe, expect, it } from "vitest";
import { isMockForgeError } from "../../core/errors.js";
import type { ConformanceContext } from "./conformance-context.js";
import { expectRoundTrip } from "./round-trip.js";
import { AWKWARD_JSON, T0, attempt, delivery } from "./storage-fixtures.js";

/** Delivery records and attempts: insert, get, update, list filters, count, delete, prune. */
export function deliveryConformance(ctx: ConformanceContext): void {
  describe("deliveries", () => {
    it("round-trips a record exactly, and answers undefined for a missing id", async () => {
      const s = ctx.storage().deliveries;
      const d = delivery({
        options: AWKWARD_JSON,
        request: { method: "PUT", url: "http://127.0.0.1:1/ü?q=✓", headers: { "x-ünï": "✓" }, body: "body — 🎉 \u0000" },
        traceId: "trc_1",
        replayOf: "dlv_other",
        mode: "awaited",
      });
      const noBody = delivery({ request: { method: "GET", url: "http://127.0.0.1:1/", headers: {}, body: null }, options: null });
      await expectRoundTrip(s, (x) => s.insert(x), [d, noBody], "dlv_missing");
    });

    it("rejects a second insert with the same id", async () => {
      const s = ctx.storage().deliveries;
      const d = delivery();
      await s.insert(d);
      const err = await s.insert({ ...d, status: "dead" }).catch((e: unknown) => e);
      expect(isMockForgeError(err, "MFG_ERR_STORAGE")).toBe(true);
      expect((await s.get(d.id))!.status).toBe("pending");
    });

    it("insertFinished stores a finished delivery with its attempts at once; a taken id changes nothing", async () => {
      const s = ctx.storage().deliveries;
      const d = delivery({ status: "succeeded", mode: "awaited", attemptCount: 2, nextAttemptAt: null, lastStatus: 200 });
      const tries = [attempt(d.id, { number: 1 }), attempt(d.id, { number: 2 })];
      await s.insertFinished(d, tries);
      expect(await s.get(d.id)).toEqual(d);
      expect((await s.attempts(d.id)).map((a) => a.number)).toEqual([1, 2]);
      const err = await s.insertFinished({ ...d, status: "dead" }, [attempt(d.id, { number: 3 })]).catch((e: unknown) => e);
      expect(isMockForgeError(err, "MFG_ERR_STORAGE")).toBe(true);
      expect((await s.get(d.id))!.status).toBe("succeeded");
      expect(await s.attempts(d.id)).toHaveLength(2);
    });

    it("update patches only the given fields, never the id; a missing id is a no-op", async () => {
      const s = ctx.storage().deliveries;
      const d = delivery();
      await s.insert(d);
      await s.update(d.id, { status: "succeeded", attemptCount: 2, nextAttemptAt: null, lastStatus: 200, updatedAt: T0 + 5 });
      await s.update(d.id, { lastError: "boom ✗", options: { nested: { a: [1] } }, id: "dlv_hijack" } as never);
      await s.update(d.id, { request: { ...d.request, body: null }, lastError: undefined });
      const expected = {
        ...d,
        status: "succeeded",
        attemptCount: 2,
        nextAttemptAt: null,
        lastStatus: 200,
        updatedAt: T0 + 5,
        lastError: "boom ✗",
        options: { nested: { a: [1] } },
        request: { ...d.request, body: null },
      };
      expect(await s.get(d.id)).toEqual(expected);
      expect(await s.get("dlv_hijack")).toBeUndefined();
      await expect(s.update("dlv_missing", { status: "dead" })).resolves.toBeUndefined();
      expect(await s.get("dlv_missing")).toBeUndefined();
    });

    it("lists newest first with every filter and the default limit", async () => {
      const s = ctx.storage().deliveries;
      const a = delivery({ createdAt: T0 + 1, status: "succeeded", sourceKind: "hook", sourceId: "notify" });
      const b = delivery({ createdAt: T0 + 3, request: { ...delivery().request, url: "http://127.0.0.1:2/payments/Refund" } });
      const c = delivery({ createdAt: T0 + 2, status: "dead", sourceKind: "chain", sourceId: null });
      const d = delivery({ createdAt: T0 + 3, sourceId: "other" });
      for (const x of [a, b, c, d]) await s.insert(x);
      const ids = async (f?: Parameters<typeof s.list>[0]) => (await s.list(f)).map((x) => x.id);
      expect(await ids()).toEqual([d.id, b.id, c.id, a.id]);
      expect(await ids({ status: "pending" })).toEqual([d.id, b.id]);
      expect(await ids({ url: "/payments/Ref" })).toEqual([b.id]);
      expect(await ids({ url: "/payments/ref" })).toEqual([]); // substring match is case-sensitive
      expect(await ids({ url: "%" })).toEqual([]); // no LIKE wildcards
      expect(await ids({ sourceKind: "hook" })).toEqual([a.id]);
      expect(await ids({ sourceId: "orders" })).toEqual([b.id]);
      expect(await ids({ since: T0 + 2 })).toEqual([d.id, b.id, c.id]);
      expect(await ids({ status: "pending", sourceId: "other", since: T0 })).toEqual([d.id]);
      expect(await ids({ limit: 2 })).toEqual([d.id, b.id]);
      for (let i = 0; i < 101; i++) await s.insert(delivery({ createdAt: T0 - 1000 + i }));
      expect(await s.list()).toHaveLength(100);
    });

    it("the URL filter follows an update that replaces the request", async () => {
      const s = ctx.storage().deliveries;
      const d = delivery({ request: { ...delivery().request, body: "nul \u0000 in a body" } });
      await s.insert(d);
      expect(await s.list({ url: "/hooks/orders" })).toHaveLength(1);
      await s.update(d.id, { request: { ...d.request, url: "http://127.0.0.1:9999/moved" } });
      expect(await s.list({ url: "/hooks/orders" })).toEqual([]);
      expect((await s.list({ url: "/moved" })).map((x) => x.id)).toEqual([d.id]);
    });

    it("counts all or by status", async () => {
      const s = ctx.storage().deliveries;
      for (const status of ["pending", "pending", "dead", "in_flight"] as const) await s.insert(delivery({ status }));
      expect(await s.count()).toBe(4);
      expect(await s.count({ status: "pending" })).toBe(2);
      expect(await s.count({ status: "dead" })).toBe(1);
      expect(await s.count({ status: "succeeded" })).toBe(0);
    });

    it("keeps attempts oldest first and round-trips them", async () => {
      const s = ctx.storage().deliveries;
      const d = delivery();
      await s.insert(d);
      const third = attempt(d.id, { number: 3, startedAt: T0 + 3000, response: null, error: { code: "ECONNREFUSED", message: "refused ✗" }, nextDelayMs: null, retryable: false });
      const first = attempt(d.id, { number: 1, startedAt: T0 });
      const second = attempt(d.id, { number: 2, startedAt: T0 + 1000, response: { status: 200, headers: {}, body: "x".repeat(5000) + "🎉", truncated: true } });
      for (const a of [third, first, second]) await s.addAttempt(a);
      expect(await s.attempts(d.id)).toEqual([first, second, third]);
      expect(await s.attempts("dlv_missing")).toEqual([]);
    });

    it("delete removes the record and its attempts", async () => {
      const s = ctx.storage().deliveries;
      const d = delivery();
      await s.insert(d);
      await s.addAttempt(attempt(d.id));
      expect(await s.delete(d.id)).toBe(true);
      expect(await s.get(d.id)).toBeUndefined();
      expect(await s.attempts(d.id)).toEqual([]);
      expect(await s.delete(d.id)).toBe(false);
    });

    it("prune keeps the newest max finished deliveries and never pending or in-flight ones", async () => {
      const s = ctx.storage().deliveries;
      const pendingOld = delivery({ createdAt: T0 - 100, status: "pending" });
      const flyingOld = delivery({ createdAt: T0 - 90, status: "in_flight", nextAttemptAt: null });
      const done = (["succeeded", "failed", "dead", "succeeded"] as const).map((status, i) =>
        delivery({ createdAt: T0 + i, status, nextAttemptAt: null }),
      );
      for (const x of [pendingOld, flyingOld, ...done]) await s.insert(x);
      await s.addAttempt(attempt(done[0]!.id));
      expect(await s.prune(10)).toBe(0);
      expect(await s.prune(2)).toBe(2);
      expect((await s.list()).map((x) => x.id)).toEqual([done[3]!.id, done[2]!.id, flyingOld.id, pendingOld.id]);
      expect(await s.attempts(done[0]!.id)).toEqual([]);
      expect(await s.prune(0)).toBe(2);
      expect(await s.count()).toBe(2);
    });
  });
}
