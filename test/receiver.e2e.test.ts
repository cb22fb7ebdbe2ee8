import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedText } from "./support/seed-fixture.js";
import { call, startFromText, type TestServer } from "./support/start-app.js";

// The seed's "Using MockForge to Receive Webhooks" config, verbatim (only the port is chosen
// by the test: 0 instead of 3001, so parallel runs never collide).
describe("seed: using MockForge to receive webhooks", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startFromText(seedText("13-using-mockforge-to-receive-webhooks.yaml"));
  });
  afterAll(() => s.close());

  it("answers the webhook route as configured", async () => {
    const r = await call(`${s.url}/webhooks/orders`, { body: { event: "order.created", id: 1 } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ message: "Webhook received" });
    expect(r.headers.get("content-type")).toBe("application/json");
  });

  it("lists what the route received at <path>/logs, newest first, with bodies", async () => {
    await call(`${s.url}/webhooks/orders`, { body: { event: "order.shipped", id: 2 } });
    const logs = await call(`${s.url}/webhooks/orders/logs`);
    expect(logs.status).toBe(200);
    expect(logs.body[0].body).toEqual({ event: "order.shipped", id: 2 });
    expect(logs.body[0].method).toBe("POST");
    expect(logs.body[0].status).toBe(200);
    expect(logs.body.some((e: any) => e.body?.event === "order.created")).toBe(true);
    expect(logs.body[0].rawBody).toBe(JSON.stringify({ event: "order.shipped", id: 2 }));
  });

  it("long-polls: a wait started before the webhook answers as soon as it arrives", async () => {
    const since = Date.now();
    const waiting = call(`${s.url}/__mockforge/requests/wait?method=POST&path=/webhooks/orders&count=2&timeout_ms=5000&since=${since}&where=${encodeURIComponent("body.event == 'wait.me'")}`);
    await call(`${s.url}/webhooks/orders`, { body: { event: "wait.me" } });
    await call(`${s.url}/webhooks/orders`, { body: { event: "not.me" } });
    await call(`${s.url}/webhooks/orders`, { body: { event: "wait.me" } });
    const r = await waiting;
    expect(r.status).toBe(200);
    expect(r.body.count).toBe(2);
    expect(r.body.requests.every((e: any) => e.body.event === "wait.me")).toBe(true);
  });

  it("a wait that times out answers 408 with what it saw", async () => {
    const r = await call(`${s.url}/__mockforge/requests/wait?path=/nothing-here&count=1&timeout_ms=50`);
    expect(r.status).toBe(408);
    expect(r.body.error.code).toBe("MFG_ERR_WAIT_TIMEOUT");
    expect(r.body.count).toBe(0);
  });

  it("answers an unknown path with 404 naming the closest routes, a wrong method with 405 and Allow", async () => {
    const nf = await call(`${s.url}/webhooks/order`, { body: {} });
    expect(nf.status).toBe(404);
    expect(nf.body.error.closest_routes[0]).toEqual({ method: "POST", path: "/webhooks/orders" });
    const na = await call(`${s.url}/webhooks/orders`, { method: "DELETE" });
    expect(na.status).toBe(405);
    expect(na.body.error.code).toBe("MFG_ERR_METHOD_NOT_ALLOWED");
    expect(na.headers.get("allow")).toBe("POST");
  });

  it("serves and journals a malformed JSON body (raw kept, body null)", async () => {
    const r = await call(`${s.url}/webhooks/orders`, { body: "{not json", headers: { "content-type": "application/json" } });
    expect(r.status).toBe(200);
    const list = await call(`${s.url}/__mockforge/requests?path=/webhooks/orders&limit=1`);
    expect(list.body[0].rawBody).toBe("{not json");
    expect(list.body[0].body).toBeNull();
    expect(list.body[0].notes.join(" ")).toMatch(/malformed JSON/);
  });

  it("health answers", async () => {
    const r = await call(`${s.url}/__mockforge/health`);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe("ok");
  });
});
