/**
 * Leases while the server runs (issue 15 item 2): a delivery left `in_flight` because its
 * outcome could not be stored goes back to the queue once its lease runs out, without a
 * restart; an attempt that is still running keeps renewing its lease and is never taken back.
 */
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { createMemoryStorage } from "../storage/memory/memory-storage.js";
import { storageFailure } from "../storage/storage-errors.js";
import { answer } from "./test-support/receiver.js";
import { within } from "./test-support/engine-fixture.js";
import { perTest } from "./test-support/per-test.js";

const kit = perTest();
const route = { source: { kind: "route", id: "r1" } };
const LEASE_MS = 3000;

describe("delivery leases while running", () => {
  it("re-queues and re-sends a delivery a storage error left in flight, once its lease has run out", async () => {
    const receiver = await kit.receiver(answer(200));
    const storage = createMemoryStorage();
    // The store fails the first attempt record, as a full disk would: the run ends with its row in flight.
    const addAttempt = storage.deliveries.addAttempt.bind(storage.deliveries);
    let failed!: () => void;
    const storeFailed = new Promise<void>((r) => (failed = r));
    let failures = 1;
    storage.deliveries.addAttempt = async (a) => {
      if (failures-- > 0) {
        failed();
        throw storageFailure("memory", "record an attempt", new Error("SQLITE_FULL: database or disk is full"));
      }
      return addAttempt(a);
    };
    const fx = await kit.engine({ storage, defaults: { lease_ms: LEASE_MS } });
    const rec = await fx.engine.enqueue({ method: "POST", url: receiver.url, body: { n: 1 } }, route);
    await within(storeFailed, 10_000, "the failing attempt record");
    await fx.clock.advance(0);
    expect(await storage.deliveries.get(rec.id)).toMatchObject({ status: "in_flight", leaseOwner: storage.instanceId, attemptCount: 0 });

    // Before the lease runs out: nobody takes it back.
    await fx.clock.advance(LEASE_MS - 1);
    expect((await storage.deliveries.get(rec.id))!.status).toBe("in_flight");
    expect(receiver.received).toHaveLength(1);

    // After: back in the queue and sent again, with the same webhook-id, while the engine runs.
    await fx.clock.advance(LEASE_MS);
    const done = await fx.reach(rec.id, "succeeded");
    expect(done).toMatchObject({ attemptCount: 1, leaseOwner: null, leaseUntil: null });
    expect(receiver.received.map((r) => r.headers["webhook-id"])).toEqual([rec.webhookId, rec.webhookId]);
    expect(fx.logs.lines.some((l) => l.level === "warn" && /lease/.test(String(l.msg)))).toBe(true);
  });

  it("keeps renewing the lease of an attempt that runs longer than the lease: never re-queued, sent once", async () => {
    const held: ServerResponse[] = [];
    const receiver = await kit.receiver((_req, res) => void held.push(res));
    const fx = await kit.engine({ defaults: { lease_ms: LEASE_MS, timeout_ms: 60_000 } });
    const rec = await fx.engine.enqueue({ method: "POST", url: receiver.url }, route);
    await receiver.waitForCount(1);
    for (let t = 0; t < 4 * LEASE_MS; t += LEASE_MS / 3) await fx.clock.advance(LEASE_MS / 3);
    const now = fx.clock.now();
    const row = (await fx.storage.deliveries.get(rec.id))!;
    expect(row).toMatchObject({ status: "in_flight", leaseOwner: fx.storage.instanceId });
    expect(row.leaseUntil!).toBeGreaterThan(now);

    held[0]!.writeHead(200).end();
    expect(await fx.reach(rec.id, "succeeded")).toMatchObject({ attemptCount: 1 });
    expect(receiver.received).toHaveLength(1);
  });
});
