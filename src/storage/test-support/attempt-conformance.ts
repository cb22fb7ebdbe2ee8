import { describe, expect, it } from "vitest";
import { isMockForgeError } from "../../core/errors.js";
import type { ConformanceContext } from "./conformance-context.js";
import { T0, attempt, delivery } from "./storage-fixtures.js";

const LEASE = { owner: "mbr_claimer", until: T0 + 10_000 };

/** Attempt numbers: unique per delivery, and what a claim counts (issue 15 item 4). */
export function attemptConformance(ctx: ConformanceContext): void {
  describe("attempt numbers", () => {
    it("addAttempt refuses a number the delivery already has (MFG_ERR_ATTEMPT_EXISTS); other deliveries may use it", async () => {
      const s = ctx.storage().deliveries;
      const d = delivery({ status: "in_flight", nextAttemptAt: null });
      const other = delivery();
      await s.insert(d);
      await s.insert(other);
      const first = attempt(d.id, { number: 1 });
      await s.addAttempt(first);
      const err = await s.addAttempt(attempt(d.id, { number: 1, startedAt: T0 + 5 })).catch((e: unknown) => e);
      expect(isMockForgeError(err, "MFG_ERR_ATTEMPT_EXISTS")).toBe(true);
      expect((err as { details: Record<string, unknown> }).details).toMatchObject({ deliveryId: d.id, number: 1 });
      expect(await s.attempts(d.id)).toEqual([first]);
      await s.addAttempt(attempt(other.id, { number: 1 }));
      await s.addAttempt(attempt(d.id, { number: 2 }));
      expect((await s.attempts(d.id)).map((a) => a.number)).toEqual([1, 2]);
    });

    it("insertFinished refuses attempts that repeat a number, and stores nothing", async () => {
      const s = ctx.storage().deliveries;
      const d = delivery({ status: "succeeded", mode: "awaited", attemptCount: 2, nextAttemptAt: null });
      const err = await s.insertFinished(d, [attempt(d.id, { number: 1 }), attempt(d.id, { number: 1 })]).catch((e: unknown) => e);
      expect(isMockForgeError(err, "MFG_ERR_ATTEMPT_EXISTS")).toBe(true);
      expect(await s.get(d.id)).toBeUndefined();
      expect(await s.attempts(d.id)).toEqual([]);
    });

    it("claimDue counts attempts stored before a crash that its delivery row missed, and never lowers a count", async () => {
      const s = ctx.storage().deliveries;
      // Killed after attempt 2 was recorded, before the delivery said so: the row still says 1.
      const crashed = delivery({ status: "in_flight", nextAttemptAt: null, attemptCount: 1, leaseOwner: "mbr_gone", leaseUntil: T0 - 1 });
      const ahead = delivery({ nextAttemptAt: T0 - 5, attemptCount: 3 });
      await s.insert(crashed);
      await s.insert(ahead);
      await s.addAttempt(attempt(crashed.id, { number: 1 }));
      await s.addAttempt(attempt(crashed.id, { number: 2, startedAt: T0 + 1 }));
      await s.addAttempt(attempt(ahead.id, { number: 1 }));
      expect(await s.requeueExpired(T0)).toBe(1);
      const claimed = await s.claimDue(T0, 10, LEASE);
      const count = (id: string) => claimed.find((d) => d.id === id)?.attemptCount;
      expect(count(crashed.id)).toBe(2);
      expect(count(ahead.id)).toBe(3);
      expect((await s.get(crashed.id))!.attemptCount).toBe(2);
      // The next attempt takes the next number; reusing the last one is refused.
      const reused = await s.addAttempt(attempt(crashed.id, { number: 2 })).catch((e: unknown) => e);
      expect(isMockForgeError(reused, "MFG_ERR_ATTEMPT_EXISTS")).toBe(true);
      await s.addAttempt(attempt(crashed.id, { number: 3 }));
      expect((await s.attempts(crashed.id)).map((a) => a.number)).toEqual([1, 2, 3]);
    });
  });
}
