import { describe, expect, it } from "vitest";
import type { Storage } from "../ports.js";
import type { ConformanceContext } from "./conformance-context.js";
import { attempt, delivery, journalEntry, run } from "./storage-fixtures.js";

/** Whole-store behaviour: description, close, and (for persistent backends) data surviving a reopen. */
export function lifecycleConformance(ctx: ConformanceContext, replaceCurrent: (s: Storage) => void): void {
  describe("lifecycle", () => {
    it("describes itself", () => {
      expect(ctx.storage().description).toMatch(/^(memory|sqlite:.+|postgres(ql)?:\/\/.+)$/);
    });

    it.skipIf(!ctx.reopen)("keeps everything across close and reopen, including entries appended just before close", async () => {
      const s = ctx.storage();
      const d = delivery({ status: "in_flight", nextAttemptAt: null });
      const a = attempt(d.id);
      const r = run();
      await s.deliveries.insert(d);
      await s.deliveries.addAttempt(a);
      await s.runs.put(r);
      const entries = Array.from({ length: 5 }, () => journalEntry());
      for (const e of entries) await s.journal.append(e);
      await s.close();

      const again = await ctx.reopen!(s);
      replaceCurrent(again);
      expect(await again.deliveries.get(d.id)).toEqual(d);
      expect(await again.deliveries.attempts(d.id)).toEqual([a]);
      expect(await again.runs.get(r.id)).toEqual(r);
      expect(await again.journal.count()).toBe(5);
      expect(await again.journal.get(entries[4]!.id)).toEqual(entries[4]);
      expect(await again.deliveries.requeueInFlight(d.createdAt)).toBe(1);
    });

    it.skipIf(!ctx.reopen)("a second open handle sees deliveries as soon as insert resolves", async () => {
      const s = ctx.storage();
      const other = await ctx.reopen!(s);
      try {
        const d = delivery();
        await s.deliveries.insert(d);
        expect(await other.deliveries.get(d.id)).toEqual(d);
        await s.deliveries.update(d.id, { status: "dead", nextAttemptAt: null });
        expect((await other.deliveries.get(d.id))!.status).toBe("dead");
      } finally {
        await other.close();
      }
    });
  });
}
