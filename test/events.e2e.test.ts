import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Receiver } from "./support/receiver.js";
import { SseReader } from "./support/sse.js";
import { call, startFromText, type TestServer } from "./support/start-app.js";

const config = (rx: string) => `
webhooks:
  retry: { max_attempts: 4, initial_delay_ms: 10, exponential_backoff: false, jitter: false }
  events_url: "${rx}/events"
  events_failing_after: 2
routes:
  - path: /api/orders
    method: POST
    response: { status: 201, body: { ok: true } }
    webhooks:
      - url: "${rx}/hooks/flaky"
        body: { event: order.created }
  - path: /hooks/in
    method: POST
    verify: { scheme: svix, secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw }
    response: { status: 204 }
  - path: /api/doomed
    method: POST
    response: { status: 202 }
    webhooks:
      - url: "${rx}/hooks/down"
        body: { event: doomed }
        retry: { max_attempts: 2, initial_delay_ms: 10, jitter: false }
`;

describe("the event bus over GET /__mockforge/events, and lifecycle webhooks", () => {
  let rx: Receiver;
  let s: TestServer;
  beforeAll(async () => {
    rx = await new Receiver().start();
    let flaky = 0;
    rx.respond = (r) => (r.path === "/hooks/flaky" ? { status: ++flaky <= 2 ? 503 : 200 } : r.path === "/hooks/down" ? { status: 500 } : { status: 200 });
    s = await startFromText(config(rx.url));
  });
  afterAll(async () => {
    await s?.close();
    await rx?.stop();
  });

  it("a received webhook's signature check travels with its request.served event (the live feed's badge)", async () => {
    const sse = await SseReader.open(`${s.url}/__mockforge/events`);
    try {
      expect((await call(`${s.url}/hooks/in`, { body: { type: "x" }, headers: { "svix-id": "msg_1", "svix-timestamp": "1", "svix-signature": "v1,AAAA" } })).status).toBe(204);
      const [served] = await sse.waitFor((e) => e.event === "request.served" && e.data.path === "/hooks/in");
      expect(served!.data.signature).toMatchObject({ valid: false, scheme: "svix" });
      expect((await call(`${s.url}/no-verify-here`)).status).toBe(404);
      const [plain] = await sse.waitFor((e) => e.event === "request.served" && e.data.path === "/no-verify-here");
      expect(plain!.data.signature).toBeUndefined();
    } finally {
      sse.close();
    }
  });

  it("streams the request served and the delivery's queue, attempts and finish, without polling", async () => {
    const sse = await SseReader.open(`${s.url}/__mockforge/events`);
    try {
      expect((await call(`${s.url}/api/orders`, { body: { n: 1 } })).status).toBe(201);
      const [served] = await sse.waitFor((e) => e.event === "request.served" && e.data.path === "/api/orders");
      expect(served!.data).toMatchObject({ type: "request.served", method: "POST", status: 201, routeId: "POST /api/orders" });
      const attempts = await sse.waitFor((e) => e.event === "delivery.attempt" && e.data.delivery.url.endsWith("/hooks/flaky"), 3);
      expect(attempts.map((a) => [a.data.delivery.attemptCount, a.data.delivery.lastStatus, a.data.delivery.status])).toEqual([
        [1, 503, "pending"],
        [2, 503, "pending"],
        [3, 200, "succeeded"],
      ]);
      const types = sse.events.filter((e) => e.data.delivery?.url.endsWith("/hooks/flaky")).map((e) => e.event);
      expect(types).toEqual(["delivery.queued", "delivery.attempt", "delivery.attempt", "delivery.failing", "delivery.attempt", "delivery.finished", "delivery.recovered"]);
      // ids are the bus's sequence numbers: increasing, so a client can tell order and gaps.
      const ids = sse.events.map((e) => Number(e.id));
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    } finally {
      sse.close();
    }
  });

  it("POSTs delivery.failing, delivery.recovered and delivery.dead to webhooks.events_url through the delivery engine", async () => {
    await call(`${s.url}/api/doomed`, { body: {} });
    const got = await rx.waitFor((r) => r.path === "/events", 4);
    const bodies = got.map((r) => r.body as { type: string; timestamp: string; data: { delivery: { url: string; attemptCount: number } } });
    expect(bodies.map((b) => `${b.type} ${new URL(b.data.delivery.url).pathname} ${b.data.delivery.attemptCount}`).sort()).toEqual([
      "delivery.dead /hooks/down 2",
      "delivery.failing /hooks/down 2",
      "delivery.failing /hooks/flaky 2",
      "delivery.recovered /hooks/flaky 3",
    ]);
    expect(bodies[0]!.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    // They are deliveries like any other: listed, with source `events`.
    const listed = (await call(`${s.url}/__mockforge/deliveries?source=events`)).body as { sourceId: string }[];
    expect(listed.length).toBeGreaterThanOrEqual(3);
  });

  it("filters by type, refuses an unknown type with a coded 400", async () => {
    const bad = await call(`${s.url}/__mockforge/events?types=nope.*`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("MFG_ERR_BAD_REQUEST");
    const sse = await SseReader.open(`${s.url}/__mockforge/events?types=delivery.*`);
    try {
      await call(`${s.url}/api/orders`, { body: {} });
      await sse.waitFor((e) => e.event === "delivery.finished");
      expect(sse.events.some((e) => e.event === "request.served")).toBe(false);
    } finally {
      sse.close();
    }
  });

  it("max_rate caps request.served per second and says how many it skipped; other types and other clients get every event", async () => {
    const bad = await call(`${s.url}/__mockforge/events?max_rate=0`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("MFG_ERR_BAD_REQUEST");
    const capped = await SseReader.open(`${s.url}/__mockforge/events?max_rate=5`);
    const full = await SseReader.open(`${s.url}/__mockforge/events?types=request.served`);
    try {
      for (let i = 0; i < 40; i++) s.app.events.publish("request.served", { id: `req_cap_${i}`, method: "GET", path: "/cap", status: 200, routeId: null, durationMs: 0, bodyBytes: 0, traceId: null });
      s.app.events.publish("rule.run", { runId: "run_cap", rule: "r", status: "succeeded" });
      const [skipped] = await capped.waitFor((e) => e.event === "stream.skipped");
      await full.waitFor((e) => e.event === "request.served" && e.data.id === "req_cap_39");
      const served = capped.events.filter((e) => e.event === "request.served" && String(e.data.id).startsWith("req_cap_"));
      // All 40 fell in one second: five sent, the other 35 counted in one event, none lost track of.
      expect(served.map((e) => e.data.id)).toEqual(["req_cap_0", "req_cap_1", "req_cap_2", "req_cap_3", "req_cap_4"]);
      expect(skipped!.data).toEqual({ type: "stream.skipped", eventType: "request.served", skipped: 35 });
      expect(capped.events.some((e) => e.event === "rule.run" && e.data.runId === "run_cap")).toBe(true);
      expect(full.events.filter((e) => String(e.data.id).startsWith("req_cap_"))).toHaveLength(40);
    } finally {
      capped.close();
      full.close();
    }
  });

  it("drops a client that stops reading instead of buffering for it without bound", async () => {
    const port = new URL(s.url).port;
    const sock = connect(Number(port), "127.0.0.1");
    await new Promise<void>((r) => sock.once("connect", () => r()));
    sock.write(`GET /__mockforge/events HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n\r\n`);
    // Read the head, then stop reading: the kernel's buffers fill, then the server's.
    await new Promise<void>((r) => sock.once("data", () => r()));
    sock.pause();
    const closed = new Promise<void>((r) => sock.once("close", () => r()));
    const payload = "x".repeat(16 * 1024);
    let published = 0;
    let isClosed = false;
    void closed.then(() => (isClosed = true));
    // Publish until the server gives up on the client; the bound is what it may hold (1 MiB)
    // plus what the kernel takes, so 200 MiB without a drop would be a failure.
    while (!isClosed && published < 200 * 64) {
      for (let i = 0; i < 64; i++) s.app.events.publish("rule.run", { runId: `run_${published++}`, rule: payload, status: "succeeded" });
      await new Promise((r) => setTimeout(r, 5));
    }
    await closed;
    expect(isClosed).toBe(true);
    expect(published).toBeLessThan(200 * 64);
    sock.destroy();
    // The server goes on serving other clients.
    expect((await call(`${s.url}/__mockforge/health`)).status).toBe(200);
  });
});
