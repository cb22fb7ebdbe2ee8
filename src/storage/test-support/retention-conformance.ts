import { describe, expect, it } from "vitest";
import { silentLogger } from "../../core/logger.js";
import { pruneEvery, withRetention, type RetentionLimits } from "../retention.js";
import type { ConformanceContext } from "./conformance-context.js";
import { T0, attempt, delivery, journalEntry, run } from "./storage-fixtures.js";

const KEEP: RetentionLimits = { journal: 30, runs: 20, deliveries: 25 };

/** Past `keep`, the count stays under `keep` plus one pruning interval; never under `keep`. */
function expectBounded(count: number, keep: number): void {
  expect(count).toBeGreaterThanOrEqual(keep);
  expect(count).toBeLessThan(keep + pruneEvery(keep));
}

/** Retention (retention.ts) over the backend: each kind written far past its `keep` stays bounded, the newest kept. */
export function retentionConformance(ctx: ConformanceContext): void {
  describe("retention", () => {
    it("keeps the newest journal.max_entries journal entries", async () => {
      const s = withRetention(ctx.storage(), KEEP, silentLogger);
      for (let i = 0; i < 10 * KEEP.journal; i++) s.journal.append(journalEntry({ time: T0 + i }));
      await s.settleRetention();
      expectBounded(await s.journal.count(), KEEP.journal);
      expect((await s.journal.list({ limit: 1 }))[0]!.time).toBe(T0 + 10 * KEEP.journal - 1);
    });

    it("keeps the newest journal.max_runs finished runs of each kind, each kind on its own", async () => {
      const s = withRetention(ctx.storage(), KEEP, silentLogger);
      for (let i = 0; i < 5 * KEEP.runs; i++) await s.runs.put(run({ kind: "rule", startedAt: T0 + i, finishedAt: T0 + i + 1 }));
      for (let i = 0; i < 3; i++) await s.runs.put(run({ kind: "chain", startedAt: T0 + i }));
      await s.settleRetention();
      const rules = await s.runs.list({ kind: "rule", limit: 1000 });
      expectBounded(rules.length, KEEP.runs);
      expect(rules[0]!.startedAt).toBe(T0 + 5 * KEEP.runs - 1);
      expect(await s.runs.list({ kind: "chain", limit: 1000 })).toHaveLength(3);
    });

    it("keeps the newest webhooks.retention finished deliveries, however they finished, and every pending one", async () => {
      const s = withRetention(ctx.storage(), KEEP, silentLogger);
      const waiting = delivery({ createdAt: T0 - 1 });
      await s.deliveries.insert(waiting);
      for (let i = 0; i < 3 * KEEP.deliveries; i++) {
        const d = delivery({ createdAt: T0 + 2 * i });
        await s.deliveries.insert(d);
        await s.deliveries.update(d.id, { status: "succeeded", nextAttemptAt: null, updatedAt: T0 + 2 * i });
        // An awaited call is stored at its end, finished, with its attempts.
        const awaited = delivery({ createdAt: T0 + 2 * i + 1, status: "failed", mode: "awaited", nextAttemptAt: null });
        await s.deliveries.insertFinished(awaited, [attempt(awaited.id)]);
      }
      await s.settleRetention();
      expectBounded((await s.deliveries.count({ status: "succeeded" })) + (await s.deliveries.count({ status: "failed" })), KEEP.deliveries);
      expect((await s.deliveries.get(waiting.id))!.status).toBe("pending");
    });

    it("counts deliveries inserted already finished (calls the trace budget suppressed)", async () => {
      // trace-budget.ts stores every call past the fan-out budget as `failed` with insert(): a
      // loop storm writes nothing else, so those rows must start the pruning on their own.
      const s = withRetention(ctx.storage(), KEEP, silentLogger);
      for (let i = 0; i < 10 * KEEP.deliveries; i++) await s.deliveries.insert(delivery({ createdAt: T0 + i, status: "failed", nextAttemptAt: null }));
      await s.settleRetention();
      expectBounded(await s.deliveries.count({ status: "failed" }), KEEP.deliveries);
    });

    it("prunes the finished deliveries a last process left past webhooks.retention as soon as the store is opened", async () => {
      const raw = ctx.storage();
      for (let i = 0; i < 2 * KEEP.deliveries; i++) await raw.deliveries.insert(delivery({ createdAt: T0 + i, status: "dead", nextAttemptAt: null }));
      const s = withRetention(raw, KEEP, silentLogger);
      await s.settleRetention();
      expect(await s.deliveries.count({ status: "dead" })).toBe(KEEP.deliveries);
    });
  });
}
