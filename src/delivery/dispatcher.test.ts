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
});
