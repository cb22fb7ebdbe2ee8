import { describe, expect, it } from "vitest";
import type { TraceCountStore } from "../storage/ports.js";
import { TraceBudget } from "./trace-budget.js";

/** The database's count as two members see it: one map, counted atomically (one event loop). */
function sharedCounts(): TraceCountStore & { adds: number } {
  const counts = new Map<string, number>();
  const store = {
    adds: 0,
    async add(traceId: string) {
      store.adds++;
      const n = (counts.get(traceId) ?? 0) + 1;
      counts.set(traceId, n);
      return n;
    },
  };
  return store;
}

const clock = { now: () => 1_000 };

describe("TraceBudget", () => {
  it("alone (single-owner store) allows max calls per trace, then says first-over once and over after", () => {
    const b = new TraceBudget(2);
    expect([b.take("t", 3), b.take("t", 3), b.take("t", 3), b.take("t", 3)]).toEqual(["ok", "ok", "first-over", "over"]);
    expect(b.take("other")).toBe("ok");
    expect(b.take(null)).toBe("ok");
  });

  it("counts calls of a trace that arrived through the header across members: a ping-pong loop gets max in all", async () => {
    const shared = sharedCounts();
    const a = new TraceBudget(5, shared, clock);
    const b = new TraceBudget(5, shared, clock);
    const verdicts: string[] = [];
    // A starts the trace (depth 0), then the call bounces: B at depth 1, A at depth 2…
    verdicts.push(await a.take("t", 0));
    for (let depth = 1; depth <= 12; depth++) verdicts.push(await (depth % 2 ? b : a).take("t", depth));
    // One call at depth 0 (counted on A only), then five at depth ≥ 1 across both members.
    expect(verdicts.filter((v) => v === "ok")).toHaveLength(1 + 5);
    expect(verdicts.slice(0, 6).every((v) => v === "ok")).toBe(true);
  });

  it("asks the database nothing for a trace born here (depth 0), nor once the trace is over on this member", async () => {
    const shared = sharedCounts();
    const a = new TraceBudget(3, shared, clock);
    for (let i = 0; i < 5; i++) expect(typeof a.take("born-here", 0)).toBe("string");
    expect(shared.adds).toBe(0);
    const b = new TraceBudget(3, shared, clock);
    for (let i = 0; i < 3; i++) await a.take("crossed", 1);
    expect(await b.take("crossed", 1)).toBe("first-over");
    const adds = shared.adds;
    // Over across the cluster: B refuses its next calls of the trace by itself, warning once.
    expect(b.take("crossed", 1)).toBe("over");
    expect(shared.adds).toBe(adds);
  });

  it("never allows more than max on one member, whatever the shared count says", async () => {
    const b = new TraceBudget(2, sharedCounts(), clock);
    expect([b.take("t", 0), b.take("t", 0), await b.take("t", 1)]).toEqual(["ok", "ok", "first-over"]);
  });
});
