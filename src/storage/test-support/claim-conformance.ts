import { describe, expect, it } from "vitest";
import type { ConformanceContext } from "./conformance-context.js";
import { T0, delivery } from "./storage-fixtures.js";

const LEASE = { owner: "mbr_claimer", until: T0 + 10_000 };

/** The outbox side of deliveries: claimDue, nextDueAt, requeueInFlight (leases: lease-conformance.ts). */
export function claimConformance(ctx: ConformanceContext): void {
  describe("deliveries outbox", () => {
    it("claimDue takes only pending, due records, oldest due first, up to the limit", async () => {
      const s = ctx.storage().deliveries;
      const late = delivery({ nextAttemptAt: T0 - 10 });
      const early = delivery({ nextAttemptAt: T0 - 30 });
      const now = delivery({ nextAttemptAt: T0 });
      const future = delivery({ nextAttemptAt: T0 + 1 });
      const flying = delivery({ status: "in_flight", nextAttemptAt: null });
      const done = delivery({ status: "succeeded", nextAttemptAt: T0 - 100 });
      const dead = delivery({ status: "dead", nextAttemptAt: T0 - 100 });
      for (const d of [late, early, now, future, flying, done, dead]) await s.insert(d);

      const first = await s.claimDue(T0, 2, LEASE);
      expect(first.map((d) => d.id)).toEqual([early.id, late.id]);
      for (const d of first) {
        expect(d).toMatchObject({ status: "in_flight", nextAttemptAt: null, updatedAt: T0, leaseOwner: "mbr_claimer", leaseUntil: T0 + 10_000 });
        expect(await s.get(d.id)).toEqual(d);
      }
      expect((await s.claimDue(T0, 10, LEASE)).map((d) => d.id)).toEqual([now.id]);
      expect(await s.claimDue(T0, 10, LEASE)).toEqual([]);
      expect((await s.get(future.id))!.status).toBe("pending");
      expect((await s.get(done.id))!.status).toBe("succeeded");
      expect(await s.claimDue(T0 + 1, 0, LEASE)).toEqual([]);
    });

    it("concurrent claimDue calls never hand out the same record twice", async () => {
      const s = ctx.storage().deliveries;
      const all = Array.from({ length: 40 }, (_, i) => delivery({ nextAttemptAt: T0 - i }));
      for (const d of all) await s.insert(d);
      const batches = await Promise.all([s.claimDue(T0, 15, LEASE), s.claimDue(T0, 15, LEASE), s.claimDue(T0, 15, LEASE), s.claimDue(T0, 15, LEASE)]);
      const ids = batches.flat().map((d) => d.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual(all.map((d) => d.id).sort());
    });

    it.skipIf(!ctx.reopen)("concurrent claimDue from a second handle on the same data never overlaps", async () => {
      const s = ctx.storage();
      const other = await ctx.reopen!(s);
      try {
        const all = Array.from({ length: 60 }, (_, i) => delivery({ nextAttemptAt: T0 - i }));
        for (const d of all) await s.deliveries.insert(d);
        const batches = await Promise.all(
          [s, other, s, other, s, other].map((h) => h.deliveries.claimDue(T0, 12, LEASE)),
        );
        const ids = batches.flat().map((d) => d.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids).toHaveLength(60);
      } finally {
        await other.close();
      }
    });

    it("nextDueAt is the earliest pending nextAttemptAt, or null", async () => {
      const s = ctx.storage().deliveries;
      expect(await s.nextDueAt()).toBeNull();
      await s.insert(delivery({ status: "succeeded", nextAttemptAt: T0 - 500 }));
      expect(await s.nextDueAt()).toBeNull();
      await s.insert(delivery({ nextAttemptAt: T0 + 300 }));
      const soon = delivery({ nextAttemptAt: T0 + 100 });
      await s.insert(soon);
      expect(await s.nextDueAt()).toBe(T0 + 100);
      await s.update(soon.id, { status: "in_flight", nextAttemptAt: null });
      expect(await s.nextDueAt()).toBe(T0 + 300);
    });

    it("requeueInFlight makes every in-flight delivery pending and due now, whatever its lease", async () => {
      const s = ctx.storage().deliveries;
      const flying = [delivery({ status: "in_flight", nextAttemptAt: null }), delivery({ status: "in_flight", nextAttemptAt: null, leaseOwner: "mbr_x", leaseUntil: T0 + 99_999 })];
      const waiting = delivery({ nextAttemptAt: T0 + 5000 });
      const dead = delivery({ status: "dead", nextAttemptAt: null });
      for (const d of [...flying, waiting, dead]) await s.insert(d);
      expect(await s.requeueInFlight(T0 + 10)).toBe(2);
      for (const d of flying) expect(await s.get(d.id)).toMatchObject({ status: "pending", nextAttemptAt: T0 + 10, updatedAt: T0 + 10, leaseOwner: null, leaseUntil: null });
      expect(await s.get(waiting.id)).toEqual(waiting);
      expect(await s.get(dead.id)).toEqual(dead);
      expect(await s.requeueInFlight(T0 + 20)).toBe(0);
      expect((await s.claimDue(T0 + 10, 10, LEASE)).map((d) => d.id).sort()).toEqual(flying.map((d) => d.id).sort());
    });
  });
}
