import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.js";
import { delivery } from "../storage/test-support/storage-fixtures.js";
import { silentLogger } from "../core/logger.js";
import { createMemoryStorage } from "../storage/memory/memory-storage.js";
import { withRetention } from "../storage/retention.js";
import type { DeliveryRecord } from "../storage/ports.js";
import { INTERRUPTED_REASON } from "./restart-recovery.js";
import { answer } from "./test-support/receiver.js";
import { within } from "./test-support/engine-fixture.js";
import { perTest } from "./test-support/per-test.js";

const kit = perTest();
const route = { source: { kind: "route", id: "r1" } };

describe("replay", () => {
  it("queues a copy with the same webhook-id, or a new one when asked", async () => {
    const receiver = await kit.receiver(answer(200));
    const fx = await kit.engine();
    const orig = await fx.engine.enqueue({ method: "PUT", url: `${receiver.url}/h`, headers: { "x-a": "1" }, body: { a: 1 } }, route);
    await fx.reach(orig.id);
    const same = await fx.engine.replay(orig.id);
    const fresh = await fx.engine.replay(orig.id, { newId: true });
    await Promise.all([fx.reach(same.id), fx.reach(fresh.id)]);
    expect(same).toMatchObject({ replayOf: orig.id, webhookId: orig.webhookId, mode: "queued", sourceKind: "replay", sourceId: "r1", attemptCount: 0 });
    expect(same.id).not.toBe(orig.id);
    expect(fresh.webhookId).not.toBe(orig.webhookId);
    expect(fresh.webhookId).toMatch(/^msg_/);
    const got = await receiver.waitForCount(3);
    expect(got.map((r) => r.headers["webhook-id"])).toEqual([orig.webhookId, orig.webhookId, fresh.webhookId]);
    expect(new Set(got.map((r) => `${r.method} ${r.url} ${r.body} ${r.headers["x-a"]}`)).size).toBe(1);
    // The original is untouched.
    expect(await fx.storage.deliveries.get(orig.id)).toMatchObject({ status: "succeeded", attemptCount: 1, replayOf: null });
  });

  it("replays an awaited call as a queued delivery with the queued retry policy", async () => {
    const receiver = await kit.receiver(answer(500));
    const fx = await kit.engine();
    const res = await fx.engine.send({ method: "POST", url: receiver.url }, { source: { kind: "chain" } });
    const copy = await fx.engine.replay(res.deliveryId);
    const pending = await fx.reach(copy.id, "pending");
    expect(pending.mode).toBe("queued");
    expect((pending.options as { policy: { maxAttempts: number } }).policy.maxAttempts).toBe(5);
  });

  it("says which delivery is missing", async () => {
    const fx = await kit.engine();
    await expect(fx.engine.replay("dlv_nope")).rejects.toMatchObject({ code: "MFG_ERR_DELIVERY_NOT_FOUND", message: "Delivery 'dlv_nope' does not exist" });
  });
});

describe("waitFor", () => {
  it("resolves as soon as `count` matching deliveries are finished, counting earlier ones", async () => {
    const receiver = await kit.receiver(answer(200));
    const fx = await kit.engine();
    const first = await fx.engine.enqueue({ method: "POST", url: `${receiver.url}/a` }, route);
    await fx.reach(first.id);
    await fx.engine.enqueue({ method: "POST", url: `${receiver.url}/other` }, route);
    const wait = fx.engine.waitFor({ url: "/a" }, 3, 60_000);
    await fx.engine.enqueue({ method: "POST", url: `${receiver.url}/a` }, route);
    await fx.engine.enqueue({ method: "POST", url: `${receiver.url}/a` }, route);
    const got = await within(wait, 10_000, "waitFor");
    expect(got).toHaveLength(3);
    expect(got.every((d) => d.status === "succeeded" && d.request.url.endsWith("/a"))).toBe(true);
    expect(got.map((d) => d.id)).toContain(first.id);
  });

  it("filters by status, source kind and since", async () => {
    const receiver = await kit.receiver((req, res) => res.writeHead(req.url === "/gone" ? 410 : 200).end());
    const fx = await kit.engine();
    await fx.engine.enqueue({ method: "POST", url: `${receiver.url}/gone` }, route);
    await fx.engine.enqueue({ method: "POST", url: `${receiver.url}/ok` }, { source: { kind: "hook" } });
    expect((await within(fx.engine.waitFor({ status: "failed" }, 1, 60_000), 10_000, "failed")).map((d) => d.request.url)).toEqual([`${receiver.url}/gone`]);
    expect((await within(fx.engine.waitFor({ sourceKind: "hook" }, 1, 60_000), 10_000, "hook")).map((d) => d.sourceKind)).toEqual(["hook"]);
    await fx.clock.advance(10);
    const since = fx.clock.now();
    const later = fx.engine.waitFor({ since }, 1, 60_000);
    const rec = await fx.engine.enqueue({ method: "POST", url: `${receiver.url}/ok` }, route);
    expect((await within(later, 10_000, "since")).map((d) => d.id)).toEqual([rec.id]);
  });

  it("rejects with MFG_ERR_WAIT_TIMEOUT naming what it saw", async () => {
    const receiver = await kit.receiver(answer(503));
    const fx = await kit.engine();
    const rec = await fx.engine.enqueue({ method: "POST", url: receiver.url }, route);
    const wait = fx.engine.waitFor({ url: receiver.url }, 1, 500).catch((e: unknown) => e);
    await fx.reach(rec.id, "pending");
    await fx.clock.advance(500);
    const err = (await wait) as { code: string; message: string; details: { unfinished: { id: string }[]; seen: unknown[]; wanted: number } };
    expect(err.code).toBe("MFG_ERR_WAIT_TIMEOUT");
    expect(err.message).toMatch(/Only 0 of 1 matching deliveries finished within 500 ms; 1 still 1 pending \(last error: HTTP 503\)/);
    expect(err.details).toMatchObject({ wanted: 1, seen: [], unfinished: [{ id: rec.id }] });
  });
});

describe("drain", () => {
  it("resolves 0 once every queued delivery is finished", async () => {
    const held: (() => void)[] = [];
    const receiver = await kit.receiver((_r, res) => held.push(() => res.writeHead(200).end()));
    const fx = await kit.engine();
    for (let i = 0; i < 3; i++) await fx.engine.enqueue({ method: "POST", url: receiver.url }, route);
    await receiver.waitForCount(3);
    let settled = false;
    const drained = fx.engine.drain(60_000).then((n) => ((settled = true), n));
    held.shift()!();
    held.shift()!();
    await fx.until((r) => r.status === "succeeded");
    expect(settled).toBe(false);
    held.shift()!();
    expect(await within(drained, 10_000, "drain")).toBe(0);
  });

  it("returns how many are left when time is up", async () => {
    const receiver = await kit.receiver(answer(500));
    const fx = await kit.engine();
    const rec = await fx.engine.enqueue({ method: "POST", url: receiver.url }, { ...route, retry: { initial_delay_ms: 60_000, jitter: false } });
    await fx.reach(rec.id, "pending");
    const drained = fx.engine.drain(1000);
    await fx.clock.advance(1000);
    expect(await within(drained, 10_000, "drain")).toBe(1);
  });
});

describe("restart", () => {
  function leftover(over: Partial<DeliveryRecord>, url: string, now: number): DeliveryRecord {
    return delivery({
      id: `dlv_${over.webhookId}`,
      sourceId: null,
      request: { method: "POST", url, headers: {}, body: "{}" },
      options: {},
      status: "in_flight",
      nextAttemptAt: null,
      createdAt: now,
      updatedAt: now,
      ...over,
    });
  }

  it("resumes queued deliveries left in flight or pending, and fails awaited ones instead of re-sending them", async () => {
    const receiver = await kit.receiver(answer(200));
    const storage = createMemoryStorage();
    const clock = new ManualClock();
    const now = clock.now();
    await storage.deliveries.insert(leftover({ webhookId: "msg_q1" }, `${receiver.url}/q1`, now));
    await storage.deliveries.insert(leftover({ webhookId: "msg_q2", status: "pending", nextAttemptAt: now + 3000, attemptCount: 2 }, `${receiver.url}/q2`, now));
    await storage.deliveries.insert(leftover({ webhookId: "msg_a1", mode: "awaited" }, `${receiver.url}/a1`, now));
    // An awaited one that some older run left pending must not be sent either.
    await storage.deliveries.insert(leftover({ webhookId: "msg_a2", mode: "awaited", status: "pending", nextAttemptAt: now }, `${receiver.url}/a2`, now));
    const fx = await kit.engine({ storage, clock });
    expect(await fx.storage.deliveries.get("dlv_msg_a1")).toMatchObject({ status: "failed", lastError: INTERRUPTED_REASON });
    await fx.reach("dlv_msg_q1");
    await fx.reach("dlv_msg_a2");
    await fx.clock.advance(3000);
    expect(await fx.reach("dlv_msg_q2")).toMatchObject({ status: "succeeded", attemptCount: 3 });
    expect(await fx.storage.deliveries.get("dlv_msg_a2")).toMatchObject({ status: "failed", lastError: INTERRUPTED_REASON });
    expect(receiver.received.map((r) => r.url).sort()).toEqual(["/q1", "/q2"]);
    expect(receiver.received.map((r) => r.headers["webhook-id"]).sort()).toEqual(["msg_q1", "msg_q2"]);
  });

  it("picks up deliveries another process wrote, on the poll sweep", async () => {
    const receiver = await kit.receiver(answer(200));
    const storage = createMemoryStorage();
    const fx = await kit.engine({ storage, pollIntervalMs: 1000 });
    await storage.deliveries.insert(leftover({ webhookId: "msg_ext", status: "pending", nextAttemptAt: fx.clock.now() }, receiver.url, fx.clock.now()));
    await fx.clock.advance(1000);
    expect((await fx.reach("dlv_msg_ext")).status).toBe("succeeded");
  });
});

describe("retention", () => {
  it("the store prunes finished deliveries beyond `retention` as the engine finishes them, never pending ones", async () => {
    const receiver = await kit.receiver(answer(200));
    // Retention is the store's (storage/retention.ts), as openStorage sets it up from the config.
    const storage = withRetention(createMemoryStorage(), { journal: 1000, runs: 1000, deliveries: 10 }, silentLogger);
    const fx = await kit.engine({ storage });
    const slow = await fx.engine.enqueue({ method: "POST", url: "http://127.0.0.1:9/x" }, { ...route, retry: { initial_delay_ms: 3_600_000, jitter: false } });
    await fx.reach(slow.id, "pending");
    for (let i = 0; i < 60; i++) await fx.engine.enqueue({ method: "POST", url: receiver.url }, route);
    await within(fx.engine.waitFor({ url: receiver.url }, 60, 60_000), 10_000, "60 deliveries");
    // Each finish (every tenth of 10, at least one) asks for a prune down to 10.
    await storage.settleRetention();
    expect(await storage.deliveries.count({ status: "succeeded" })).toBe(10);
    expect((await fx.storage.deliveries.get(slow.id))!.status).toBe("pending");
  });
});
