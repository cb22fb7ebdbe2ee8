import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.js";
import { memoryLogger } from "../core/logger.js";
import { createMemoryStorage } from "../storage/memory/memory-storage.js";
import type { SharedChange, SharedStateStore, Storage, StoreSignals } from "../storage/ports.js";
import { createSharedState } from "./shared-state.js";

/** Two members' views of one in-memory shared store, with a signal that fires at commit, as NOTIFY does. */
function sharedPair() {
  const changes: SharedChange[] = [];
  const listeners = new Set<(p: string) => void>();
  const signals: StoreSignals = {
    async listen(_topic, fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    async notify() {},
  };
  const store: SharedStateStore = {
    async write(c, expected) {
      const last = [...changes].reverse().find((x) => x.kind === c.kind && x.key === c.key);
      if ((last?.version ?? 0) !== expected) return null;
      const change = { ...c, version: expected + 1, seq: changes.length + 1 };
      changes.push(change);
      for (const fn of listeners) fn(String(change.seq)); // delivered before write() resolves
      return change;
    },
    async since(after) {
      return changes.filter((c) => c.seq > after);
    },
  };
  const member = (id: string): Storage => ({ ...createMemoryStorage({ instanceId: id }), shared: true, signals, sharedState: store });
  return { a: member("mbr_a"), b: member("mbr_b") };
}

describe("shared state", () => {
  it("applies a change once on the member that made it, even when its signal arrives first, and once on the others", async () => {
    const clock = new ManualClock();
    const { a, b } = sharedPair();
    const applied: Record<string, string[]> = { a: [], b: [] };
    const sa = createSharedState({ storage: a, clock, logger: memoryLogger() });
    const sb = createSharedState({ storage: b, clock, logger: memoryLogger() });
    sa.register("route", (key) => applied.a.push(`remote ${key}`));
    sb.register("route", (key) => applied.b.push(`remote ${key}`));
    await sa.start();
    await sb.start();

    await sa.change("route", "r1", { path: "/x" }, () => applied.a.push("here r1"));
    await clock.advance(1000);
    expect(applied).toEqual({ a: ["here r1"], b: ["remote r1"] });

    // b has applied version 1: its change goes on top; a change made on a stale version is refused.
    await sb.change("route", "r1", { path: "/y" }, () => applied.b.push("here r1 v2"));
    await expect(sa.change("route", "r2", null, () => 0)).resolves.toBe(0);
    sa.stop();
    sb.stop();
    expect(clock.pending).toBe(0);
  });
});
