/**
 * When a new queued delivery is sent relative to its outbox row's commit (issue 15 item 1).
 * Real sockets; the memory store's insert is held back or failed by the test.
 */
import { describe, expect, it } from "vitest";
import { createMemoryStorage } from "../storage/memory/memory-storage.js";
import type { Storage } from "../storage/ports.js";
import { within } from "./test-support/engine-fixture.js";
import { answer } from "./test-support/receiver.js";
import { perTest } from "./test-support/per-test.js";

const kit = perTest();

// Under `persist: after_response` a new delivery goes out while its outbox row commits (one
// event-loop turn less latency), and its attempt and status records wait for that row. Under
// `before_response` (the default) it goes out only once the row is stored: a row that cannot be
// stored makes the request's answer 503, and a refused request must not have sent anything.
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

describe("send before commit (persist: after_response)", () => {
  /** An enqueued webhook that has reached the receiver while its outbox insert is held back. */
  async function sentWhileHeld() {
    const receiver = await kit.receiver(answer(200));
    const s = slowInsertStorage();
    const fx = await kit.engine({ storage: s.storage, defaults: { persist: "after_response" } });
    const queued = fx.engine.enqueue({ method: "POST", url: `${receiver.url}/hooks`, body: { n: 1 } }, { source: { kind: "route" } });
    await receiver.waitForCount(1, 5000);
    // Also in the file's `fx`, which afterEach stops.
    return { s, queued, bed: fx };
  }

  it("sends before the outbox row commits, and records the attempt only after it", async () => {
    const { s, queued, bed } = await sentWhileHeld();
    expect(s.order).toEqual([]);
    s.commit();
    const rec = await queued;
    const done = await bed.reach(rec.id);
    expect(done).toMatchObject({ status: "succeeded", attemptCount: 1 });
    expect(s.order).toEqual(["insert", "attempt"]);
  });

  it("when the row never commits: enqueue rejects and nothing is recorded or reported as a crash", async () => {
    const { s, queued, bed } = await sentWhileHeld();
    s.fail(new Error("disk full"));
    await expect(queued).rejects.toThrow(/disk full/);
    // The run ends quietly without an attempt record (stop waits for every run to settle).
    await within(bed.engine.stop(), 5000, "the engine to stop");
    expect(s.order).toEqual([]);
    expect(bed.logs.lines.filter((l) => /unexpectedly/.test(l.msg ?? ""))).toEqual([]);
  });
});

describe("send after commit (persist: before_response, the default)", () => {
  async function heldBack() {
    const receiver = await kit.receiver(answer(200));
    const s = slowInsertStorage();
    const fx = await kit.engine({ storage: s.storage });
    const queued = fx.engine.enqueue({ method: "POST", url: `${receiver.url}/hooks`, body: { n: 1 } }, { source: { kind: "route" } });
    // Long enough for a send started before the commit to reach the receiver.
    await new Promise((r) => setTimeout(r, 150));
    return { s, queued, bed: fx, rx: receiver };
  }

  it("sends only once the outbox row is stored", async () => {
    const { s, queued, bed, rx } = await heldBack();
    expect(rx.received).toHaveLength(0);
    s.commit();
    const rec = await queued;
    expect(await bed.reach(rec.id)).toMatchObject({ status: "succeeded", attemptCount: 1 });
    expect(s.order).toEqual(["insert", "attempt"]);
  });

  it("when the row never commits: enqueue rejects, nothing is sent, and the slot is free again", async () => {
    const { s, queued, bed, rx } = await heldBack();
    s.fail(new Error("disk full"));
    await expect(queued).rejects.toThrow(/disk full/);
    await within(bed.engine.stop(), 5000, "the engine to stop");
    expect(rx.received).toHaveLength(0);
    expect(s.order).toEqual([]);
  });
});
