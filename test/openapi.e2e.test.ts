import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../src/app.js";
import { loadConfig } from "../src/config/index.js";
import { Receiver } from "./support/receiver.js";
import { call, startFromText } from "./support/start-app.js";

// The bundled example as written (examples/openapi/mockforge.yaml): payments.yaml (3.0,
// callbacks, $refs across files) under /v1 with validation enforced, petstore-webhooks.yaml
// (3.1, webhooks), a config route overriding one operation, and a `receives:` route.
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

describe("OpenAPI end to end, on the bundled examples", () => {
  let rx: Receiver;
  let app: App;
  let url: string;
  const payment = (extra: Record<string, unknown> = {}) => ({ amount: 1250, currency: "EUR", callbackUrl: `${rx.url}/cb/payments`, ...extra });

  beforeAll(async () => {
    rx = await new Receiver().start();
    app = createApp(await loadConfig("examples/openapi/mockforge.yaml"), { port: 0, host: "127.0.0.1", storage: "memory" });
    url = (await app.start()).url;
  });
  afterAll(async () => {
    await app.close();
    await rx.stop();
  });

  it("answers an operation with its first success response's first example", async () => {
    const r = await call(`${url}/v1/payments`, { body: payment() });
    expect(r.status).toBe(201);
    expect(r.headers.get("content-type")).toBe("application/json");
    expect(r.body).toEqual({ id: "pay_1001", status: "pending", amount: 1250, currency: "EUR" });
  });

  it("fires the callback at {$request.body#/callbackUrl}, signed, with the config's body template, through the delivery engine", async () => {
    rx.received.length = 0;
    await call(`${url}/v1/payments`, { body: payment({ amount: 77, callbackUrl: `${rx.url}/cb/p77` }) });
    const [got] = await rx.waitForPath("/cb/p77");
    expect(got!.body).toEqual({ event: "payment.settled", payment_id: "pay_1001", amount: 77 });
    const headers = { "webhook-id": String(got!.headers["webhook-id"]), "webhook-timestamp": String(got!.headers["webhook-timestamp"]), "webhook-signature": String(got!.headers["webhook-signature"]) };
    expect(new Webhook(SECRET).verify(got!.text, headers)).toEqual(got!.body);
    const list = await call(`${url}/__mockforge/deliveries?source=openapi`);
    expect(list.body.some((d: { sourceId: string; status: string }) => d.sourceId === "callback createPayment paymentStatus")).toBe(true);
  });

  it("resolves an embedded expression from the query, the response body and the status; the body is a schema sample", async () => {
    rx.received.length = 0;
    await call(`${url}/v1/payments?notify=${encodeURIComponent(`${rx.url}/audit`)}`, { body: payment() });
    const [got] = await rx.waitForPath("/audit");
    expect(got!.url).toBe("/audit?payment=pay_1001&status=201");
    expect(got!.body).toEqual({ event: "payment.settled", payment_id: "string", amount: 0 });
  });

  it("chooses examples and responses with Prefer and ?__example, as Prism does", async () => {
    expect((await call(`${url}/v1/payments`, { body: payment(), headers: { prefer: "example=settled" } })).body.id).toBe("pay_1002");
    expect((await call(`${url}/v1/payments?__example=settled`, { body: payment() })).body.status).toBe("settled");
    const declined = await call(`${url}/v1/payments`, { body: payment(), headers: { prefer: "code=402" } });
    expect(declined.status).toBe(402);
    expect(declined.body).toEqual({ code: "card_declined", message: "The card was declined" });
    const unknown = await call(`${url}/v1/payments`, { body: payment(), headers: { prefer: "example=nope" } });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toBe("application/problem+json");
    expect(unknown.body).toMatchObject({ code: "MFG_ERR_OPENAPI_EXAMPLE_NOT_FOUND", known: ["pending", "settled"] });
  });

  it("enforce: an invalid request gets 422 problem+json with the failing JSON pointers, and no callback", async () => {
    const r = await call(`${url}/v1/payments`, { body: { amount: 0, currency: "XXX" } });
    expect(r.status).toBe(422);
    expect(r.headers.get("content-type")).toBe("application/problem+json");
    expect(r.body.code).toBe("MFG_ERR_OPENAPI_REQUEST_INVALID");
    expect(r.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(["/body", "/body/amount", "/body/currency"]);
    const wrongType = await call(`${url}/v1/payments`, { body: "amount=1", headers: { "content-type": "text/plain" } });
    expect(wrongType.body.errors).toEqual([{ pointer: "/headers/content-type", message: "content type 'text/plain' is not one of application/json" }]);
  });

  it("a config route wins over the spec's operation for the same method and path, and the operation's validation still applies", async () => {
    const r = await call(`${url}/v1/payments/pay_42`);
    expect(r.body).toEqual({ id: "pay_42", status: "settled", amount: 1250, currency: "EUR" });
    const bad = await call(`${url}/v1/payments/nope`);
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].pointer).toBe("/path/paymentId");
    const d = await call(`${url}/__mockforge/openapi`);
    expect(d.body.specs[0].overridden).toEqual([{ operation: "getPayment", method: "GET", path: "/v1/payments/{paymentId}", by: "GET /v1/payments/{paymentId}" }]);
  });

  it("samples a response from the schema when the spec has no example (recursive schema, deterministic)", async () => {
    const a = await call(`${url}/pets`);
    expect(a.status).toBe(200);
    expect(a.body).toEqual([{ id: 1, name: "Tom", tag: "string", parent: {} }]);
    expect((await call(`${url}/pets`)).text).toBe(a.text);
  });

  it("triggers a 3.1 webhook by name with a named example, to a URL given then", async () => {
    rx.received.length = 0;
    const r = await call(`${url}/__mockforge/openapi/webhooks/newPet/trigger`, { body: { to: `${rx.url}/hooks/new-pet`, example: "dog" } });
    expect(r.status).toBe(202);
    expect(r.body.deliveries).toHaveLength(1);
    const [got] = await rx.waitForPath("/hooks/new-pet");
    expect(got!.body).toEqual({ id: 2, name: "Rex", tag: "dog", parent: { id: 1, name: "Tom" } });
  });

  it("an unknown event is a coded error listing the known names", async () => {
    const r = await call(`${url}/__mockforge/openapi/webhooks/nope/trigger`, { body: { to: `${rx.url}/x` } });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("MFG_ERR_OPENAPI_UNKNOWN_EVENT");
    expect(r.body.error.details.hint).toBe("known webhooks: newPet, petAdopted");
  });

  it("subscriptions: a registered URL gets the event, signed with its secret; the secret is never shown", async () => {
    rx.received.length = 0;
    const none = await call(`${url}/__mockforge/openapi/webhooks/petAdopted/trigger`, { body: {} });
    expect(none.body.error.code).toBe("MFG_ERR_OPENAPI_NO_TARGET");
    const sub = await call(`${url}/__mockforge/openapi/subscriptions`, { body: { event: "petAdopted", url: `${rx.url}/hooks/adopted`, secret: SECRET } });
    expect(sub.status).toBe(201);
    expect(sub.body.secret).toBe("[redacted]");
    await call(`${url}/__mockforge/openapi/webhooks/petAdopted/trigger`, { body: {} });
    const [got] = await rx.waitForPath("/hooks/adopted");
    expect(got!.body).toEqual({ id: 0, adopter: "Alice" });
    const headers = { "webhook-id": String(got!.headers["webhook-id"]), "webhook-timestamp": String(got!.headers["webhook-timestamp"]), "webhook-signature": String(got!.headers["webhook-signature"]) };
    expect(new Webhook(SECRET).verify(got!.text, headers)).toEqual(got!.body);
    const bad = await call(`${url}/__mockforge/openapi/subscriptions`, { body: { event: "nope", url: `${rx.url}/x` } });
    expect(bad.body.error.code).toBe("MFG_ERR_OPENAPI_UNKNOWN_EVENT");
    expect((await call(`${url}/__mockforge/openapi/subscriptions/${sub.body.id}`, { method: "DELETE" })).status).toBe(200);
  });

  it("receiving side: a route that receives newPet journals whether each request was a valid newPet, and a test can wait for one", async () => {
    const since = Date.now();
    expect((await call(`${url}/hooks/pets`, { body: { id: "x" } })).status).toBe(204);
    await call(`${url}/hooks/pets`, { body: { id: 5, name: "Kit" } });
    const valid = await call(`${url}/__mockforge/requests/wait?path=/hooks/pets&count=1&timeout_ms=5000&since=${since}&where=${encodeURIComponent("validation.valid == true")}`);
    expect(valid.status).toBe(200);
    expect(valid.body.requests[0].body).toEqual({ id: 5, name: "Kit" });
    const invalid = await call(`${url}/__mockforge/requests/wait?path=/hooks/pets&count=1&timeout_ms=5000&since=${since}&where=${encodeURIComponent("validation.valid == false")}`);
    expect(invalid.body.requests[0].notes[0]).toContain('"against":"webhook newPet"');
    expect(invalid.body.requests[0].notes[0]).toContain('{"pointer":"/body/id","message":"must be integer"}');
  });
});

describe("OpenAPI admin endpoints sit behind the one admin authorization", () => {
  it("with a token set, triggering without it is 401", async () => {
    const s = await startFromText(`http: { admin_token: t0k }\nopenapi:\n  - spec: ${process.cwd()}/examples/openapi/petstore-webhooks.yaml\n`);
    try {
      const r = await call(`${s.url}/__mockforge/openapi/webhooks/newPet/trigger`, { body: { to: "http://127.0.0.1:9/x" } });
      expect(r.status).toBe(401);
      const ok = await call(`${s.url}/__mockforge/openapi`, { headers: { authorization: "Bearer t0k" } });
      expect(ok.body.webhooks).toEqual(["newPet", "petAdopted"]);
    } finally {
      await s.close();
    }
  });

  it("a route added at run time may not name `receives` on a server that loaded no spec", async () => {
    const s = await startFromText("routes: []\n");
    try {
      const r = await call(`${s.url}/__mockforge/routes`, { body: { path: "/in", method: "POST", receives: { spec: "x.yaml", webhook: "w" } } });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe("MFG_ERR_ROUTE_INVALID");
    } finally {
      await s.close();
    }
  });
});
