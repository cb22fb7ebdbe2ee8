import { describe, expect, it } from "vitest";
import { answer } from "./test-support/receiver.js";
import { within } from "./test-support/engine-fixture.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryStorage } from "../storage/memory/memory-storage.js";
import { createSqliteStorage } from "../storage/sqlite/sqlite-storage.js";
import type { AttemptRecord, DeliveryRecord, DeliveryStore } from "../storage/ports.js";
import { perTest } from "./test-support/per-test.js";

const kit = perTest();

const chain = { source: { kind: "chain", id: "orders" } };

describe("awaited send (real sockets)", () => {
  it("resolves with status, headers, parsed JSON body and the record", async () => {
    const receiver = await kit.receiver(answer(201, '{"order_id":"o-1","items":[1]}', { "x-reply": "1" }));
    const fx = await kit.engine();
    const res = await fx.engine.send({ method: "POST", url: `${receiver.url}/api/orders`, body: { items: [1] } }, chain);
    expect(res).toMatchObject({
      ok: true,
      status: 201,
      body: { order_id: "o-1", items: [1] },
      rawBody: '{"order_id":"o-1","items":[1]}',
      attempts: 1,
      error: null,
    });
    expect(res.headers["x-reply"]).toBe("1");
    expect(res.durationMs).toBeGreaterThanOrEqual(0);
    expect(await fx.storage.deliveries.get(res.deliveryId)).toMatchObject({ mode: "awaited", status: "succeeded", webhookId: res.webhookId, sourceKind: "chain" });
    expect(await fx.storage.deliveries.attempts(res.deliveryId)).toHaveLength(1);
  });

  it("keeps a non-JSON body as text", async () => {
    const receiver = await kit.receiver((_r, res) => res.writeHead(200, { "content-type": "text/plain" }).end("hello"));
    const fx = await kit.engine();
    expect((await fx.engine.send({ method: "GET", url: receiver.url }, chain)).body).toBe("hello");
  });

  it("resolves (never rejects) on a refused connection: ok false, status 0, error set, one attempt", async () => {
    const receiver = await kit.receiver();
    const url = receiver.url;
    await receiver.close();
    const fx = await kit.engine();
    const res = await fx.engine.send({ method: "POST", url }, chain);
    expect(res).toMatchObject({ ok: false, status: 0, headers: {}, body: null, rawBody: "", attempts: 1, error: { code: "MFG_ERR_DELIVERY_CONNECT" } });
    expect((await fx.storage.deliveries.get(res.deliveryId))!.status).toBe("dead");
  });

  it("resolves a 4xx as ok false with the answer and no error", async () => {
    const receiver = await kit.receiver(answer(404, '{"error":"nope"}'));
    const fx = await kit.engine();
    const res = await fx.engine.send({ method: "GET", url: receiver.url }, chain);
    expect(res).toMatchObject({ ok: false, status: 404, body: { error: "nope" }, error: null, attempts: 1 });
    expect((await fx.storage.deliveries.get(res.deliveryId))!.status).toBe("failed");
  });

  it("resolves an invalid URL as a failed delivery", async () => {
    const fx = await kit.engine();
    const res = await fx.engine.send({ method: "GET", url: "not a url" }, chain);
    expect(res).toMatchObject({ ok: false, status: 0, error: { code: "MFG_ERR_DELIVERY_INVALID_URL" } });
  });

  it("makes one attempt by default, even when the config's retry asks for more", async () => {
    const receiver = await kit.receiver(answer(503));
    const fx = await kit.engine({ defaults: { retry: { max_attempts: 9 } } });
    const res = await fx.engine.send({ method: "GET", url: receiver.url }, chain);
    expect(res).toMatchObject({ ok: false, status: 503, attempts: 1 });
    expect((await fx.storage.deliveries.get(res.deliveryId))!.status).toBe("dead");
  });

  it("retries inline per its own retry (the seed's form) on the injected clock; waiters see it in flight, the store when it ends", async () => {
    let calls = 0;
    const receiver = await kit.receiver((_r, res) => res.writeHead(++calls < 3 ? 500 : 200, { "content-type": "application/json" }).end('{"n":' + calls + "}"));
    const fx = await kit.engine({ defaults: { retry: { jitter: false } } });
    const retried = (n: number) => fx!.until((r) => r.attemptCount === n && r.status === "in_flight");
    const first = retried(1);
    const p = fx.engine.send({ method: "POST", url: receiver.url, body: {} }, { ...chain, retry: { max_attempts: 3, delay_seconds: 5, exponential_backoff: true } });
    const rec = await first;
    const second = retried(2);
    await fx.clock.advance(5000);
    await second;
    // Recorded in one write when it ends: nothing in the store while it retries.
    expect(await fx.storage.deliveries.get(rec.id)).toBeUndefined();
    await fx.clock.advance(9999);
    expect(receiver.received).toHaveLength(2);
    await fx.clock.advance(1);
    const res = await within(p, 10_000, "awaited send");
    expect(res).toMatchObject({ ok: true, status: 200, body: { n: 3 }, attempts: 3 });
    const ids = new Set(receiver.received.map((r) => r.headers["webhook-id"]));
    expect(ids).toEqual(new Set([res.webhookId]));
    expect((await fx.storage.deliveries.attempts(res.deliveryId)).map((a) => a.nextDelayMs)).toEqual([5000, 10_000, null]);
    expect((await fx.storage.deliveries.get(res.deliveryId))!).toMatchObject({ status: "succeeded", attemptCount: 3, lastStatus: 200, mode: "awaited" });
  });

  it("is cancelled by the caller's signal, during a request or a retry wait", async () => {
    const receiver = await kit.receiver(() => {});
    const fx = await kit.engine();
    const ac = new AbortController();
    const p = fx.engine.send({ method: "GET", url: receiver.url }, { ...chain, signal: ac.signal });
    await receiver.waitForCount(1);
    ac.abort();
    const res = await within(p, 10_000, "cancelled send");
    expect(res).toMatchObject({ ok: false, status: 0, error: { code: "MFG_ERR_DELIVERY_ABORTED" } });
    expect((await fx.storage.deliveries.get(res.deliveryId))!.status).toBe("failed");

    receiver.handler = answer(500);
    const ac2 = new AbortController();
    const waiting = fx.until((r) => r.attemptCount === 1 && r.status === "in_flight");
    const p2 = fx.engine.send({ method: "GET", url: receiver.url }, { ...chain, signal: ac2.signal, retry: { max_attempts: 5 } });
    const { id } = await waiting;
    ac2.abort();
    const res2 = await within(p2, 10_000, "cancelled retry wait");
    expect(res2).toMatchObject({ ok: false, status: 500, attempts: 1, error: { code: "MFG_ERR_DELIVERY_ABORTED" } });
    expect((await fx.storage.deliveries.get(id))!.lastError).toMatch(/MFG_ERR_DELIVERY_ABORTED/);
  });

  it("is ended by stop(): resolves failed, and send after stop rejects", async () => {
    const receiver = await kit.receiver(() => {});
    const fx = await kit.engine();
    const p = fx.engine.send({ method: "GET", url: receiver.url }, chain);
    await receiver.waitForCount(1);
    await fx.engine.stop();
    const res = await within(p, 10_000, "stopped send");
    expect(res).toMatchObject({ ok: false, error: { code: "MFG_ERR_DELIVERY_STOPPED" } });
    expect((await fx.storage.deliveries.get(res.deliveryId))!.status).toBe("failed");
    await expect(fx.engine.send({ method: "GET", url: receiver.url }, chain)).rejects.toMatchObject({ code: "MFG_ERR_DELIVERY_STOPPED" });
  });
});

describe("awaited send: the record's commit", () => {
  /** The memory store, its insertFinished held until `release` (and failing when asked). */
  function heldStorage(readsSeeIssuedWrites: boolean, fail = false) {
    const storage = createMemoryStorage();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const inner = storage.deliveries;
    const deliveries: DeliveryStore = Object.assign(Object.create(inner) as DeliveryStore, {
      readsSeeIssuedWrites,
      insertFinished: async (d: DeliveryRecord, list: AttemptRecord[]) => {
        await gate;
        if (fail) throw new Error("disk full");
        return inner.insertFinished(d, list);
      },
    });
    return { storage: { ...storage, deliveries }, release };
  }

  it("answers without waiting for the commit where reads see issued writes; stop waits for it", async () => {
    const receiver = await kit.receiver(answer(200, "{}"));
    const held = heldStorage(true);
    const fx = await kit.engine({ storage: held.storage });
    const res = await fx.engine.send({ method: "GET", url: receiver.url }, chain);
    expect(res.ok).toBe(true);
    let stopped = false;
    const stopping = fx.engine.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    held.release();
    await stopping;
    expect((await held.storage.deliveries.get(res.deliveryId))!.status).toBe("succeeded");
  });

  it("logs a record that fails to commit, and the call still answers", async () => {
    const receiver = await kit.receiver(answer(200, "{}"));
    const held = heldStorage(true, true);
    const fx = await kit.engine({ storage: held.storage });
    const res = await fx.engine.send({ method: "GET", url: receiver.url }, chain);
    expect(res.ok).toBe(true);
    held.release();
    await fx.engine.stop();
    expect(fx.logs.lines.some((l) => l.msg === "recording a finished awaited call failed")).toBe(true);
  });

  it("waits for the commit where a read may not see an issued write (postgres)", async () => {
    const receiver = await kit.receiver(answer(200, "{}"));
    const held = heldStorage(false);
    const fx = await kit.engine({ storage: held.storage });
    let answered = false;
    const sending = fx.engine.send({ method: "GET", url: receiver.url }, chain).then((r) => ((answered = true), r));
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    held.release();
    const res = await sending;
    expect((await held.storage.deliveries.get(res.deliveryId))!.status).toBe("succeeded");
  });

  it("is read back at once from SQLite, before its group commit ran", async () => {
    const receiver = await kit.receiver(answer(200, "{}"));
    const dir = mkdtempSync(join(tmpdir(), "mockforge-awaited-"));
    kit.defer(() => rmSync(dir, { recursive: true, force: true }));
    const storage = kit.closes(createSqliteStorage(join(dir, "state.db")));
    const fx = await kit.engine({ storage });
    const res = await fx.engine.send({ method: "GET", url: receiver.url }, chain);
    expect((await storage.deliveries.get(res.deliveryId))!.status).toBe("succeeded");
    expect(await storage.deliveries.attempts(res.deliveryId)).toHaveLength(1);
  });
});
