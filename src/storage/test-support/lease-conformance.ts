import { describe, expect, it } from "vitest";
import type { ConformanceContext } from "./conformance-context.js";
import { T0, delivery, run } from "./storage-fixtures.js";

const A = "mbr_aaaa";
const B = "mbr_bbbb";

/** Delivery leases and orphaned runs: what lets several instances share one outbox safely. */
export function leaseConformance(ctx: ConformanceContext): void {
  describe("leases", () => {
    it("renewLeases moves only in-flight leases still held by the owner", async () => {
      const s = ctx.storage().deliveries;
      const mine = delivery({ nextAttemptAt: T0 - 1 });
      const theirs = delivery({ status: "in_flight", nextAttemptAt: null, leaseOwner: B, leaseUntil: T0 + 100 });
      const done = delivery({ status: "succeeded", nextAttemptAt: null });
      for (const d of [mine, theirs, done]) await s.insert(d);
      await s.claimDue(T0, 1, { owner: A, until: T0 + 100 });

      expect(await s.renewLeases([mine.id, theirs.id, done.id, "dlv_missing"], { owner: A, until: T0 + 500 })).toBe(1);
      expect(await s.get(mine.id)).toMatchObject({ leaseOwner: A, leaseUntil: T0 + 500 });
      expect(await s.get(theirs.id)).toMatchObject({ leaseOwner: B, leaseUntil: T0 + 100 });
      expect(await s.renewLeases([], { owner: A, until: T0 + 900 })).toBe(0);
    });

    it("requeueExpired takes back only leases that ran out (or never existed), at any time", async () => {
      const s = ctx.storage().deliveries;
      const expired = delivery({ status: "in_flight", nextAttemptAt: null, leaseOwner: A, leaseUntil: T0 - 1 });
      const atNow = delivery({ status: "in_flight", nextAttemptAt: null, leaseOwner: B, leaseUntil: T0 });
      const live = delivery({ status: "in_flight", nextAttemptAt: null, leaseOwner: B, leaseUntil: T0 + 1 });
      const legacy = delivery({ status: "in_flight", nextAttemptAt: null });
      const pending = delivery({ nextAttemptAt: T0 + 50 });
      for (const d of [expired, atNow, live, legacy, pending]) await s.insert(d);

      expect(await s.requeueExpired(T0)).toBe(3);
      for (const d of [expired, atNow, legacy]) {
        expect(await s.get(d.id)).toMatchObject({ status: "pending", nextAttemptAt: T0, updatedAt: T0, leaseOwner: null, leaseUntil: null });
      }
      expect(await s.get(live.id)).toEqual(live);
      expect(await s.get(pending.id)).toEqual(pending);
      expect(await s.requeueExpired(T0)).toBe(0);
      expect(await s.requeueExpired(T0 + 1)).toBe(1);
    });

    it("a renewed lease survives a sweep that would have taken it", async () => {
      const s = ctx.storage().deliveries;
      const d = delivery({ nextAttemptAt: T0 });
      await s.insert(d);
      await s.claimDue(T0, 1, { owner: A, until: T0 + 100 });
      await s.renewLeases([d.id], { owner: A, until: T0 + 300 });
      expect(await s.requeueExpired(T0 + 200)).toBe(0);
      expect(await s.requeueExpired(T0 + 300)).toBe(1);
      // Another instance claims it now, under its own lease; the old holder cannot renew it.
      expect((await s.claimDue(T0 + 300, 5, { owner: B, until: T0 + 400 })).map((r) => r.id)).toEqual([d.id]);
      expect(await s.renewLeases([d.id], { owner: A, until: T0 + 900 })).toBe(0);
      expect(await s.get(d.id)).toMatchObject({ status: "in_flight", leaseOwner: B, leaseUntil: T0 + 400 });
    });

    it("leasesByOwner counts in-flight deliveries per holder", async () => {
      const s = ctx.storage().deliveries;
      await s.insert(delivery({ status: "in_flight", nextAttemptAt: null, leaseOwner: A, leaseUntil: T0 + 30 }));
      await s.insert(delivery({ status: "in_flight", nextAttemptAt: null, leaseOwner: A, leaseUntil: T0 + 10 }));
      await s.insert(delivery({ status: "in_flight", nextAttemptAt: null, leaseOwner: B, leaseUntil: T0 + 20 }));
      await s.insert(delivery({ status: "pending" }));
      const by = (await s.leasesByOwner()).sort((x, y) => String(x.owner).localeCompare(String(y.owner)));
      expect(by).toEqual([
        { owner: A, count: 2, earliestUntil: T0 + 10 },
        { owner: B, count: 1, earliestUntil: T0 + 20 },
      ]);
    });
  });

  describe("orphaned runs", () => {
    it("interruptOrphans marks running runs of instances not alive as interrupted, and only those", async () => {
      const st = ctx.storage();
      const mine = run({ status: "running", finishedAt: null });
      const finished = run({ status: "succeeded" });
      await st.runs.put(mine);
      await st.runs.put(finished);
      // This store's own instance is alive: nothing changes.
      expect(await st.runs.interruptOrphans([st.instanceId], T0 + 5)).toBe(0);
      expect((await st.runs.get(mine.id))!.status).toBe("running");
      // Its instance gone (the list of live ones no longer has it): interrupted.
      expect(await st.runs.interruptOrphans(["mbr_someone_else"], T0 + 5)).toBe(1);
      expect(await st.runs.get(mine.id)).toEqual({ ...mine, status: "interrupted", finishedAt: T0 + 5 });
      expect(await st.runs.get(finished.id)).toEqual(finished);
      expect(await st.runs.interruptOrphans([], T0 + 6)).toBe(0);
    });
  });
}
