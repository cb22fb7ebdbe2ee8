import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.js";
import { silentLogger } from "../core/logger.js";
import { createMemoryStorage } from "../storage/memory/memory-storage.js";
import { delivery } from "../storage/test-support/storage-fixtures.js";
import { createDispatcher } from "./dispatcher.js";

describe("dispatcher slots", () => {
  it("gives a slot back when the HTTP exchange is over, not when the attempt is recorded", async () => {
    let finishRecording!: () => void;
    const recorded = new Promise<void>((r) => (finishRecording = r));
    let exchanged!: () => void;
    const d = createDispatcher({
      store: createMemoryStorage().deliveries,
      clock: new ManualClock(),
      logger: silentLogger,
      concurrency: 1,
      pollIntervalMs: 0,
      lease: () => ({ owner: "mbr_test", until: 0 }),
      run: async (_record, _stored, sent) => {
        exchanged = sent;
        await recorded;
      },
    });
    d.start();
    await new Promise((r) => setImmediate(r)); // the start sweep (nothing due) gives its reservation back
    expect(d.tryReserve()).toBe(true);
    d.launch(delivery());
    expect(d.tryReserve()).toBe(false); // the one slot is sending
    exchanged();
    expect(d.active).toBe(0); // recording does not hold it
    expect(d.tryReserve()).toBe(true);
    d.release();
    finishRecording();
    await d.stop(); // waits for the recording all the same
    expect(d.active).toBe(0);
  });

  it("leaves slots for new deliveries while a sweep's claim is awaited, and never runs more than the concurrency", async () => {
    const store = createMemoryStorage().deliveries;
    for (let i = 0; i < 20; i++) await store.insert(delivery({ status: "pending", nextAttemptAt: 0 }));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const asked: number[] = [];
    const slowClaims = Object.assign(Object.create(store) as typeof store, {
      claimDue: async (now: number, limit: number, lease: { owner: string; until: number }) => {
        asked.push(limit);
        await gate; // a claim's round trip to a busy database
        return store.claimDue(now, limit, lease);
      },
    });
    const running: (() => void)[] = [];
    const d = createDispatcher({
      store: slowClaims,
      clock: new ManualClock(),
      logger: silentLogger,
      concurrency: 16,
      pollIntervalMs: 0,
      lease: () => ({ owner: "mbr_test", until: 0 }),
      run: () => new Promise<void>((done) => running.push(done)),
    });
    d.start();
    await new Promise((r) => setImmediate(r));
    expect(asked).toEqual([14]);
    // The claim is out: a new delivery still finds a slot (before, every free one was reserved).
    expect(d.tryReserve()).toBe(true);
    expect(d.tryReserve()).toBe(true);
    expect(d.tryReserve()).toBe(false);
    release();
    await new Promise((r) => setImmediate(r));
    expect(running).toHaveLength(14);
    expect(d.active).toBe(16);
    expect(d.tryReserve()).toBe(false);
    d.release();
    d.release();
    const stopped = d.stop();
    for (const done of running) done();
    await stopped;
  });
});
