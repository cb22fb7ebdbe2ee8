/**
 * A new delivery goes out while its outbox row commits (one event-loop turn less latency),
 * and its attempt and status records wait for that row.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createMemoryStorage } from "../storage/memory/memory-storage.js";
import type { Storage } from "../storage/ports.js";
import { answer, startReceiver, type Receiver } from "./test-support/receiver.js";
import { engineFixture, within, type EngineFixture } from "./test-support/engine-fixture.js";

let receiver: Receiver | undefined;
let fx: EngineFixture | undefined;
afterEach(async () => {
  await fx?.engine.stop();
  await receiver?.close();
  fx = receiver = undefined;
});

/** A memory store whose delivery inserts commit only when the test says so (or fail). */
function slowInsertStorage(): { storage: Storage; commit: () => void; fail: (e: Error) => void; order: string[] } {
  const storage = createMemoryStorage();
  const order: string[] = [];
  let release: (() => void) | undefined;
  let reject: ((e: Error) => void) | undefined;
  const gate = new Promise<void>((res, rej) => {
    release = res;
    reject = rej;
  });
  const d = storage.deliveries;
  const deliveries: Storage["deliveries"] = Object.create(d);
  deliveries.insert = async (r) => {
    await gate;
    order.push("insert");
    return d.insert(r);
  };
  deliveries.addAttempt = async (a) => {
    order.push("attempt");
    return d.addAttempt(a);
  };
  return { storage: { ...storage, deliveries }, commit: () => release!(), fail: (e) => reject!(e), order };
}

describe("send before commit", () => {
  it("sends before the outbox row commits, and records the attempt only after it", async () => {
    receiver = await startReceiver(answer(200));
    const s = slowInsertStorage();
    fx = await engineFixture({ storage: s.storage });
    const queued = fx.engine.enqueue({ method: "POST", url: `${receiver.url}/hooks`, body: { n: 1 } }, { source: { kind: "route" } });
    // Arrives while the insert is still held back.
    await receiver.waitForCount(1, 5000);
    expect(s.order).toEqual([]);
    s.commit();
    const rec = await queued;
    const done = await fx.reach(rec.id);
    expect(done).toMatchObject({ status: "succeeded", attemptCount: 1 });
    expect(s.order).toEqual(["insert", "attempt"]);
  });

  it("when the row never commits: enqueue rejects and nothing is recorded or reported as a crash", async () => {
    receiver = await startReceiver(answer(200));
    const s = slowInsertStorage();
    fx = await engineFixture({ storage: s.storage });
    const queued = fx.engine.enqueue({ method: "POST", url: `${receiver.url}/hooks`, body: { n: 1 } }, { source: { kind: "route" } });
    await receiver.waitForCount(1, 5000);
    s.fail(new Error("disk full"));
    await expect(queued).rejects.toThrow(/disk full/);
    // The run ends quietly without an attempt record (stop waits for every run to settle).
    await within(fx.engine.stop(), 5000, "the engine to stop");
    expect(s.order).toEqual([]);
    expect(fx.logs.lines.filter((l) => /unexpectedly/.test(l.msg ?? ""))).toEqual([]);
  });
});
