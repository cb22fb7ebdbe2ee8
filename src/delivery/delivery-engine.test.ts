import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { ManualClock, systemClock } from "../core/clock.js";
import { answer } from "./test-support/receiver.js";
import { within } from "./test-support/engine-fixture.js";
import { parseTraceHeader } from "./trace-header.js";
import { perTest } from "./test-support/per-test.js";

/** A running engine always has one timer: the lease keeper's next renewal and expiry sweep. */
const LEASE_TICK_ONLY = 1;

const kit = perTest();

const route = { source: { kind: "route", id: "create_order" } };
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

describe("queued deliveries (real sockets, manual clock)", () => {
  it("is durable when enqueue resolves, then sent at once with webhook-id, timestamp, trace and JSON body", async () => {
    const receiver = await kit.receiver(answer(204));
    const fx = await kit.engine();
    const rec = await fx.engine.enqueue(
      { method: "post", url: `${receiver.url}/hooks/orders`, headers: { "x-event": "order.created" }, body: { event: "order.created", id: 7 } },
      { ...route, traceId: "trc_abc", traceDepth: 2 },
    );
    expect(await fx.storage.deliveries.get(rec.id)).toMatchObject({ id: rec.id, mode: "queued", sourceKind: "route", sourceId: "create_order" });
    const done = await fx.reach(rec.id);
    expect(done).toMatchObject({ status: "succeeded", attemptCount: 1, lastStatus: 204, lastError: null, traceId: "trc_abc" });
    const [got] = await receiver.waitForCount(1);
    expect(got!.method).toBe("POST");
    expect(JSON.parse(got!.body)).toEqual({ event: "order.created", id: 7 });
    expect(got!.headers["content-type"]).toBe("application/json");
    expect(got!.headers["x-event"]).toBe("order.created");
    expect(got!.headers["webhook-id"]).toBe(rec.webhookId);
    expect(got!.headers["webhook-id"]).toMatch(/^msg_[0-9a-f]{20}$/);
    expect(got!.headers["webhook-timestamp"]).toBe(String(Math.floor(fx.clock.now() / 1000)));
    expect(parseTraceHeader(got!.headers["x-mockforge-trace"] as string)).toEqual({ traceId: "trc_abc", depth: 3 });
    const [attempt] = await fx.storage.deliveries.attempts(rec.id);
    expect(attempt).toMatchObject({ number: 1, retryable: false, nextDelayMs: null, error: null, response: { status: 204, body: "", truncated: false } });
    expect(attempt!.request.headers["webhook-id"]).toBe(rec.webhookId);
  });

  it("starts a trace when the caller has none", async () => {
    const receiver = await kit.receiver(answer(200));
    const fx = await kit.engine();
    const rec = await fx.engine.enqueue({ method: "POST", url: receiver.url }, route);
    await fx.reach(rec.id);
    const [got] = await receiver.waitForCount(1);
    expect(parseTraceHeader(got!.headers["x-mockforge-trace"] as string)).toEqual({ traceId: rec.traceId, depth: 1 });
    expect(rec.traceId).toMatch(/^trc_/);
  });

  it("retries 500 then 200 after the backoff, with the same webhook-id", async () => {
    let calls = 0;
    const receiver = await kit.receiver((_r, res) => {
      res.writeHead(++calls === 1 ? 500 : 200);
      res.end(calls === 1 ? "boom" : "ok");
    });
    const fx = await kit.engine({ defaults: { retry: { jitter: false } } });
    const rec = await fx.engine.enqueue({ method: "POST", url: receiver.url, body: {} }, route);
    const pending = await fx.reach(rec.id, "pending");
    expect(pending).toMatchObject({ attemptCount: 1, lastStatus: 500, lastError: "HTTP 500", nextAttemptAt: fx.clock.now() + 1000 });
    await fx.clock.advance(999);
    expect(receiver.received).toHaveLength(1);
    await fx.clock.advance(1);
    expect(await fx.reach(rec.id)).toMatchObject({ status: "succeeded", attemptCount: 2, lastStatus: 200 });
    const ids = receiver.received.map((r) => r.headers["webhook-id"]);
    expect(ids).toEqual([rec.webhookId, rec.webhookId]);
    const attempts = await fx.storage.deliveries.attempts(rec.id);
    expect(attempts.map((a) => [a.number, a.response?.status, a.retryable, a.nextDelayMs])).toEqual([
      [1, 500, true, 1000],
      [2, 200, false, null],
    ]);
    expect(attempts[0]!.response!.body).toBe("boom");
  });

  it("honours 429 Retry-After", async () => {
    let calls = 0;
    const receiver = await kit.receiver((_r, res) => {
      if (++calls === 1) res.writeHead(429, { "retry-after": "7" }).end();
      else res.writeHead(200).end();
    });
    const fx = await kit.engine();
    const rec = await fx.engine.enqueue({ method: "POST", url: receiver.url }, route);
    await fx.reach(rec.id, "pending");
    expect((await fx.storage.deliveries.attempts(rec.id))[0]).toMatchObject({ retryable: true, nextDelayMs: 7000 });
    await fx.clock.advance(6999);
    expect(receiver.received).toHaveLength(1);
    await fx.clock.advance(1);
    expect((await fx.reach(rec.id)).status).toBe("succeeded");
  });

  it("stops at 410 Gone: failed after one attempt", async () => {
    const receiver = await kit.receiver(answer(410, '{"error":"gone"}'));
    const fx = await kit.engine();
    const rec = await fx.engine.enqueue({ method: "POST", url: receiver.url }, route);
    expect(await fx.reach(rec.id)).toMatchObject({ status: "failed", attemptCount: 1, lastStatus: 410, nextAttemptAt: null });
    expect(fx.clock.pending).toBe(LEASE_TICK_ONLY); // no retry scheduled
  });

  it("marks an unreachable receiver dead once the attempts are used up", async () => {
    const receiver = await kit.receiver();
    const url = receiver.url;
    await receiver.close();
    const fx = await kit.engine();
    const rec = await fx.engine.enqueue({ method: "POST", url }, { ...route, retry: { max_attempts: 3, initial_delay_ms: 100, jitter: false } });
    await fx.reach(rec.id, "pending");
    await fx.clock.advance(100);
    await fx.reach(rec.id, "pending");
    await fx.clock.advance(200);
    const dead = await fx.reach(rec.id);
    expect(dead).toMatchObject({ status: "dead", attemptCount: 3, lastStatus: null });
    expect(dead.lastError).toMatch(/^MFG_ERR_DELIVERY_CONNECT: .*connection refused/);
    const attempts = await fx.storage.deliveries.attempts(rec.id);
    expect(attempts.map((a) => [a.error?.code, a.nextDelayMs])).toEqual([
      ["MFG_ERR_DELIVERY_CONNECT", 100],
      ["MFG_ERR_DELIVERY_CONNECT", 200],
      ["MFG_ERR_DELIVERY_CONNECT", null],
    ]);
    expect(fx.logs.lines.some((l) => l.level === "warn" && l.msg === "delivery dead")).toBe(true);
  });

  it("retries a DNS failure", async () => {
    const fx = await kit.engine();
    const rec = await fx.engine.enqueue({ method: "POST", url: "http://receiver.invalid/hook" }, { ...route, retry: { max_attempts: 1 } });
    const done = await fx.reach(rec.id);
    expect(done.status).toBe("dead");
    const [a] = await fx.storage.deliveries.attempts(rec.id);
    expect(a).toMatchObject({ retryable: true, error: { code: "MFG_ERR_DELIVERY_CONNECT" } });
    expect(a!.error!.message).toMatch(/receiver\.invalid' could not be resolved/);
  });

  it("retries a connection reset mid-response", async () => {
    let calls = 0;
    const receiver = await kit.receiver((_r, res) => {
      if (++calls > 1) return void res.writeHead(200).end();
      res.writeHead(200, { "content-length": "100" });
      res.write("part", () => res.socket?.destroy());
    });
    const fx = await kit.engine({ defaults: { retry: { jitter: false } } });
    const rec = await fx.engine.enqueue({ method: "POST", url: receiver.url }, route);
    await fx.reach(rec.id, "pending");
    const [a] = await fx.storage.deliveries.attempts(rec.id);
    expect(a).toMatchObject({ retryable: true, response: null, error: { code: "MFG_ERR_DELIVERY_CONNECT" } });
    await fx.clock.advance(1000);
    expect((await fx.reach(rec.id)).status).toBe("succeeded");
  });

  it("times out a receiver that never answers (timeout_ms on the injected clock)", async () => {
    const receiver = await kit.receiver(() => {});
    const fx = await kit.engine();
    const rec = await fx.engine.enqueue({ method: "POST", url: receiver.url }, { ...route, timeout_ms: 300, retry: { max_attempts: 1 } });
    await receiver.waitForCount(1);
    await fx.clock.advance(300);
    const done = await fx.reach(rec.id);
    expect(done.status).toBe("dead");
    expect(done.lastError).toMatch(/MFG_ERR_DELIVERY_TIMEOUT: .*within 300 ms/);
    expect((await fx.storage.deliveries.attempts(rec.id))[0]!.durationMs).toBe(300);
  });

  it("records an invalid URL as failed with the rendered value, without retrying", async () => {
    const fx = await kit.engine();
    const rec = await fx.engine.enqueue({ method: "POST", url: "/hooks/{{missing}}" }, route);
    const done = await fx.reach(rec.id);
    expect(done).toMatchObject({ status: "failed", attemptCount: 1 });
    expect(done.lastError).toMatch(/MFG_ERR_DELIVERY_INVALID_URL: Delivery URL '\/hooks\/\{\{missing\}\}' is not a valid absolute URL/);
    expect(fx.clock.pending).toBe(LEASE_TICK_ONLY); // no retry scheduled
  });

  it("signs with Standard Webhooks; the receiver verifies with the standardwebhooks package", async () => {
    const receiver = await kit.receiver(answer(200));
    const other = "whsec_" + Buffer.from("rotated-secret-rotated-secret-32").toString("base64");
    const fx = await kit.engine({ clock: new ManualClock(systemClock.now()), defaults: { signing: { scheme: "standard-webhooks", secret: SECRET } } });
    const a = await fx.engine.enqueue({ method: "POST", url: receiver.url, body: { n: 1 } }, route);
    const b = await fx.engine.enqueue(
      { method: "POST", url: receiver.url, body: "plain text" },
      { ...route, signing: { scheme: "standard-webhooks", secrets: [SECRET, other] } },
    );
    await Promise.all([fx.reach(a.id), fx.reach(b.id)]);
    const got = await receiver.waitForCount(2);
    const byId = (id: string) => got.find((r) => r.headers["webhook-id"] === id)!;
    const verify = (secret: string, r: (typeof got)[number]) => new Webhook(secret).verify(r.body, r.headers as Record<string, string>);
    expect(verify(SECRET, byId(a.webhookId))).toEqual({ n: 1 });
    expect(() => verify(SECRET, byId(b.webhookId))).toThrow(/JSON/); // signature fine; body is not JSON
    expect(() => new Webhook(SECRET).verify(byId(b.webhookId).body, { ...(byId(b.webhookId).headers as Record<string, string>) }, { jsonParse: false })).not.toThrow();
    expect(() => new Webhook(other).verify(byId(b.webhookId).body, byId(b.webhookId).headers as Record<string, string>, { jsonParse: false })).not.toThrow();
    expect(String(byId(b.webhookId).headers["webhook-signature"]).split(" ")).toHaveLength(2);
    // The attempt record keeps the request exactly as sent, signature included.
    const [att] = await fx.storage.deliveries.attempts(a.id);
    expect(att!.request.headers["webhook-signature"]).toBe(byId(a.webhookId).headers["webhook-signature"]);
  });

  it("re-signs each retry with a fresh timestamp and the same webhook-id", async () => {
    let calls = 0;
    const receiver = await kit.receiver((_r, res) => res.writeHead(++calls === 1 ? 503 : 200).end());
    const fx = await kit.engine({ clock: new ManualClock(systemClock.now()), defaults: { retry: { jitter: false, initial_delay_ms: 5000 } } });
    const rec = await fx.engine.enqueue({ method: "POST", url: receiver.url, body: {} }, { ...route, signing: { scheme: "standard-webhooks", secret: SECRET } });
    await fx.reach(rec.id, "pending");
    await fx.clock.advance(5000);
    await fx.reach(rec.id);
    const [first, second] = receiver.received;
    expect(first!.headers["webhook-id"]).toBe(second!.headers["webhook-id"]);
    expect(Number(second!.headers["webhook-timestamp"]) - Number(first!.headers["webhook-timestamp"])).toBe(5);
    for (const r of receiver.received) expect(() => new Webhook(SECRET).verify(r.body, r.headers as Record<string, string>)).not.toThrow();
  });

  it("waits delay_ms before the first attempt", async () => {
    const receiver = await kit.receiver(answer(200));
    const fx = await kit.engine();
    const rec = await fx.engine.enqueue({ method: "POST", url: receiver.url }, { ...route, delay_ms: 2000 });
    expect(rec).toMatchObject({ status: "pending", nextAttemptAt: fx.clock.now() + 2000 });
    await fx.clock.advance(1999);
    expect(receiver.received).toHaveLength(0);
    await fx.clock.advance(1);
    expect((await fx.reach(rec.id)).status).toBe("succeeded");
  });

  it("keeps at most `concurrency` deliveries in flight and sends the rest as slots free", async () => {
    const held: (() => void)[] = [];
    const receiver = await kit.receiver((_r, res) => held.push(() => res.writeHead(200).end()));
    const fx = await kit.engine({ defaults: { concurrency: 2 } });
    const recs = [];
    for (let i = 0; i < 5; i++) recs.push(await fx.engine.enqueue({ method: "POST", url: receiver.url, body: { i } }, route));
    expect(recs.map((r) => r.status)).toEqual(["in_flight", "in_flight", "pending", "pending", "pending"]);
    await receiver.waitForCount(2);
    expect(receiver.received).toHaveLength(2);
    for (let sent = 2; sent < 5; sent++) {
      held.shift()!();
      await receiver.waitForCount(sent + 1);
      expect(receiver.received.length).toBe(sent + 1);
    }
    held.splice(0).forEach((f) => f());
    const done = await within(fx.engine.waitFor({ url: receiver.url }, 5, 60_000), 10_000, "5 deliveries");
    expect(done.map((d) => d.status)).toEqual(Array(5).fill("succeeded"));
  });

  it("enqueued before start: stored pending, sent on start", async () => {
    const receiver = await kit.receiver(answer(200));
    const fx = await kit.engine({ start: false });
    const rec = await fx.engine.enqueue({ method: "POST", url: receiver.url }, route);
    expect(rec.status).toBe("pending");
    await fx.engine.start();
    expect((await fx.reach(rec.id)).status).toBe("succeeded");
  });

  it("stop leaves no timer behind and refuses new work", async () => {
    const receiver = await kit.receiver(answer(500));
    const fx = await kit.engine({ pollIntervalMs: 1000 });
    const rec = await fx.engine.enqueue({ method: "POST", url: receiver.url }, route);
    await fx.reach(rec.id, "pending");
    const wait = fx.engine.waitFor({ url: receiver.url }, 1, 60_000).catch((e: unknown) => e);
    const drain = fx.engine.drain(60_000);
    expect(fx.clock.pending).toBeGreaterThan(0);
    await fx.engine.stop();
    expect(fx.clock.pending).toBe(0);
    expect(await wait).toMatchObject({ code: "MFG_ERR_DELIVERY_STOPPED" });
    expect(await drain).toBe(1);
    await expect(fx.engine.enqueue({ method: "POST", url: receiver.url }, route)).rejects.toMatchObject({ code: "MFG_ERR_DELIVERY_STOPPED" });
  });

  it("stop cuts an attempt off and leaves it in flight for the next start", async () => {
    const receiver = await kit.receiver(() => {});
    const fx = await kit.engine();
    const rec = await fx.engine.enqueue({ method: "POST", url: receiver.url }, route);
    await receiver.waitForCount(1);
    await fx.engine.stop();
    expect(await fx.storage.deliveries.get(rec.id)).toMatchObject({ status: "in_flight", attemptCount: 0 });
    expect(await fx.storage.deliveries.attempts(rec.id)).toEqual([]);
  });

  it("stop with a grace period lets a running attempt finish", async () => {
    let release: (() => void) | undefined;
    const receiver = await kit.receiver((_r, res) => (release = () => res.writeHead(200).end()));
    const fx = await kit.engine();
    const rec = await fx.engine.enqueue({ method: "POST", url: receiver.url }, route);
    await receiver.waitForCount(1);
    const stopped = fx.engine.stop({ graceMs: 5000 });
    release!();
    await stopped;
    expect((await fx.storage.deliveries.get(rec.id))!.status).toBe("succeeded");
  });
});
