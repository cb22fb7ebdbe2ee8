import { describe, expect, it } from "vitest";
import { T0, attempt, delivery } from "../test-support/storage-fixtures.js";
import { createMemoryDeliveries } from "./memory-deliveries.js";

describe("memory deliveries' byte budget", () => {
  it("drops the oldest finished deliveries past it, never a pending or in-flight one, and reads the rest back whole", async () => {
    const store = createMemoryDeliveries({ maxBytes: 60_000 });
    const body = "y".repeat(5_000);
    const waiting = delivery({ createdAt: T0 - 1, request: { method: "POST", url: "http://127.0.0.1:9/hook", headers: {}, body } });
    await store.insert(waiting);
    const done = [];
    for (let i = 0; i < 30; i++) {
      const d = delivery({ createdAt: T0 + i, status: "succeeded", nextAttemptAt: null, request: { method: "POST", url: "http://127.0.0.1:9/hook", headers: {}, body } });
      await store.insertFinished(d, [attempt(d.id, { number: 1 })]);
      done.push(d);
    }
    const kept = await store.list({ status: "succeeded", limit: 100 });
    // 30 finished deliveries of ~5 kB do not fit in 60 kB: only the newest stay.
    expect(kept.length).toBeGreaterThan(5);
    expect(kept.length).toBeLessThan(12);
    expect(kept.map((d) => d.id)).toEqual(done.slice(-kept.length).reverse().map((d) => d.id));
    expect(kept[0]).toEqual(done[29]);
    expect(await store.attempts(done[29]!.id)).toHaveLength(1);
    expect(await store.get(done[0]!.id)).toBeUndefined();
    expect(await store.attempts(done[0]!.id)).toEqual([]);
    // The pending delivery is older than all of them and still there, and still claimable.
    expect(await store.get(waiting.id)).toEqual(waiting);
    expect((await store.claimDue(T0 + 10_000, 10, { owner: "me", until: T0 + 20_000 })).map((d) => d.id)).toEqual([waiting.id]);
  });

  it("a finished delivery changed again (a status set by an admin) is stored and counted anew", async () => {
    const store = createMemoryDeliveries({ maxBytes: 1_000_000 });
    const d = delivery({ status: "dead", nextAttemptAt: null });
    await store.insert(d);
    await store.update(d.id, { status: "pending", nextAttemptAt: T0 });
    expect(await store.nextDueAt()).toBe(T0);
    expect((await store.get(d.id))!.status).toBe("pending");
  });

  it("keeps no attempt of a delivery deleted while it ran, so the budget never counts bytes it cannot give back", async () => {
    const store = createMemoryDeliveries({ maxBytes: 20_000 });
    const big = { status: 200, headers: {}, body: "z".repeat(600), truncated: false };
    for (let i = 0; i < 40; i++) {
      const d = delivery({ status: "in_flight", nextAttemptAt: null });
      await store.insert(d);
      await store.delete(d.id);
      await store.addAttempt(attempt(d.id, { number: 1, response: big }));
      expect(await store.attempts(d.id)).toEqual([]);
    }
    const done = delivery({ status: "succeeded", nextAttemptAt: null });
    await store.insert(done);
    expect(await store.get(done.id)).toEqual(done);
  });
});
