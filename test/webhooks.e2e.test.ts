import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Receiver } from "./support/receiver.js";
import { call, startFromText, type TestServer } from "./support/start-app.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

// The delivery issue's example, with the receiver's port filled in.
const config = (receiver: string) => `
webhooks:
  signing: { scheme: standard-webhooks, secret: "${SECRET}" }
  retry: { max_attempts: 3, initial_delay_ms: 20, exponential_backoff: true, max_delay_seconds: 1 }
routes:
  - path: /api/orders
    method: POST
    response: { status: 201, body: { id: "{{uuid}}", status: created } }
    webhooks:
      - url: "${receiver}/hooks/orders"
        body: { event: order.created, order_id: "{{response.body.id}}", items: "{{request.body.items}}" }
        delay_ms: 0
  - path: /api/refunds
    method: POST
    response: { status: 202, body: { ok: true } }
    webhooks:
      - url: "${receiver}/hooks/refunds"
        condition: "request.body.amount > 100"
        headers: { X-Custom-Signature: "{{hmac_sha256('k', body)}}" }
        body: { amount: "{{request.body.amount}}" }
`;

describe("route webhooks through the delivery engine", () => {
  let rx: Receiver;
  let s: TestServer;
  beforeAll(async () => {
    rx = await new Receiver().start();
    s = await startFromText(config(rx.url));
  });
  afterEach(() => {
    rx.respond = () => ({ status: 200, body: { ok: true } });
  });
  afterAll(async () => {
    await s.close();
    await rx.stop();
  });

  it("answers at once, then delivers a signed webhook the receiver can verify", async () => {
    const r = await call(`${s.url}/api/orders`, { body: { items: [{ sku: "a", qty: 2 }] } });
    expect(r.status).toBe(201);
    const [got] = await rx.waitForPath("/hooks/orders");
    expect(got!.body).toEqual({ event: "order.created", order_id: r.body.id, items: [{ sku: "a", qty: 2 }] });
    const verified = new Webhook(SECRET).verify(got!.text, {
      "webhook-id": String(got!.headers["webhook-id"]),
      "webhook-timestamp": String(got!.headers["webhook-timestamp"]),
      "webhook-signature": String(got!.headers["webhook-signature"]),
    });
    expect(verified).toEqual(got!.body);
    expect(String(got!.headers["x-mockforge-trace"])).toMatch(/;depth=1$/);
  });

  it("retries 500s with the same webhook-id, then succeeds; every attempt is listed", async () => {
    let n = 0;
    rx.respond = (req) => (req.path === "/hooks/orders" && ++n < 3 ? { status: 500, body: { e: n } } : { status: 200, body: {} });
    const before = rx.received.length;
    await call(`${s.url}/api/orders`, { body: { items: [] } });
    const got = await rx.waitFor((x) => x.path === "/hooks/orders" && rx.received.indexOf(x) >= before, 3);
    expect(new Set(got.map((g) => g.headers["webhook-id"])).size).toBe(1);
    const done = await call(`${s.url}/__mockforge/deliveries/wait?url=/hooks/orders&status=succeeded&count=2&timeout_ms=5000`);
    expect(done.status).toBe(200);
    const id = done.body.deliveries.find((d: any) => d.attemptCount === 3).id;
    const detail = await call(`${s.url}/__mockforge/deliveries/${id}`);
    expect(detail.body.attempts.map((a: any) => a.response?.status)).toEqual([500, 500, 200]);
    expect(detail.body.attempts[0].request.headers["webhook-signature"]).toMatch(/^v1,/);
  });

  it("marks a delivery dead after its attempts; it stays listed and can be replayed", async () => {
    rx.respond = () => ({ status: 503 });
    await call(`${s.url}/api/orders`, { body: { items: ["dead"] } });
    const dead = await call(`${s.url}/__mockforge/deliveries/wait?status=dead&count=1&timeout_ms=5000`);
    expect(dead.status).toBe(200);
    const d = dead.body.deliveries[0];
    expect(d.attemptCount).toBe(3);
    expect((await call(`${s.url}/__mockforge/deliveries?status=dead`)).body.map((x: any) => x.id)).toContain(d.id);
    rx.respond = () => ({ status: 200 });
    const replay = await call(`${s.url}/__mockforge/deliveries/${d.id}/replay`, { method: "POST" });
    expect(replay.status).toBe(202);
    expect(replay.body.webhookId).toBe(d.webhookId);
    const fresh = await call(`${s.url}/__mockforge/deliveries/${d.id}/replay?new_id=true`, { method: "POST" });
    expect(fresh.body.webhookId).not.toBe(d.webhookId);
    const arrived = await rx.waitFor((x) => x.headers["webhook-id"] === d.webhookId && JSON.stringify(x.body).includes("dead"), 1);
    expect(arrived.length).toBeGreaterThanOrEqual(1);
  });

  it("honours a webhook condition, and signs custom headers over the exact body sent", async () => {
    await call(`${s.url}/api/refunds`, { body: { amount: 50 } });
    await call(`${s.url}/api/refunds`, { body: { amount: 150 } });
    const [got] = await rx.waitForPath("/hooks/refunds");
    expect(got!.body).toEqual({ amount: 150 });
    const { createHmac } = await import("node:crypto");
    expect(got!.headers["x-custom-signature"]).toBe(createHmac("sha256", "k").update(got!.text).digest("hex"));
    const all = await call(`${s.url}/__mockforge/deliveries?url=/hooks/refunds`);
    expect(all.body).toHaveLength(1);
  });

  it("a request arriving too deep in a trace is served but fires no webhooks (loop guard)", async () => {
    const r = await call(`${s.url}/api/orders`, { body: { items: ["loop"] }, headers: { "x-mockforge-trace": "trc_test;depth=9" } });
    expect(r.status).toBe(201);
    const j = await call(`${s.url}/__mockforge/requests?path=/api/orders&limit=1`);
    expect(j.body[0].notes.join(" ")).toMatch(/loop guard/);
    const d = await call(`${s.url}/__mockforge/deliveries?limit=1000`);
    expect(d.body.some((x: any) => x.request.body?.includes('"loop"'))).toBe(false);
  });
});

describe("an unreachable webhook target never affects the response", () => {
  it("answers 201 and records the failed attempts", async () => {
    const rx = await new Receiver().start();
    const deadUrl = rx.url;
    await rx.stop();
    const s = await startFromText(config(deadUrl));
    try {
      const r = await call(`${s.url}/api/orders`, { body: { items: [] } });
      expect(r.status).toBe(201);
      const dead = await call(`${s.url}/__mockforge/deliveries/wait?status=dead&count=1&timeout_ms=8000`);
      expect(dead.status).toBe(200);
      const detail = await call(`${s.url}/__mockforge/deliveries/${dead.body.deliveries[0].id}`);
      expect(detail.body.attempts).toHaveLength(3);
      expect(detail.body.attempts[0].error.code).toBe("MFG_ERR_DELIVERY_CONNECT");
    } finally {
      await s.close();
    }
  });
});

describe("MockForge as the receiver checks the signatures it got", () => {
  it("verify-signature by journaled request id: ok with the secret, a reason without it", async () => {
    const receiver = await startFromText(`routes: [{ path: /webhooks/orders, method: POST, response: { status: 200 } }]\n`);
    const sender = await startFromText(config(`${receiver.url}/webhooks`).replace("/hooks/orders", "/orders"));
    try {
      await call(`${sender.url}/api/orders`, { body: { items: [1] } });
      const got = await call(`${receiver.url}/__mockforge/requests/wait?path=/webhooks/orders&count=1&timeout_ms=5000`);
      const id = got.body.requests[0].id;
      const good = await call(`${receiver.url}/__mockforge/verify-signature`, { body: { secret: SECRET, request_id: id } });
      expect(good.body).toEqual({ ok: true, reason: null });
      const bad = await call(`${receiver.url}/__mockforge/verify-signature`, { body: { secret: "whsec_" + Buffer.from("another-secret-key-0123456789ab").toString("base64"), request_id: id } });
      expect(bad.body.ok).toBe(false);
      expect(bad.body.reason).toMatch(/signature/);
      const missing = await call(`${receiver.url}/__mockforge/verify-signature`, { body: { request_id: id } });
      expect(missing.status).toBe(400);
    } finally {
      await sender.close();
      await receiver.close();
    }
  });
});
