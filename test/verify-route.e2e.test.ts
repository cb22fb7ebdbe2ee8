/**
 * Issue 21, the receiving side: a route with `verify` checks incoming signatures with the same
 * schemes, checked here with the providers' own signing helpers (Stripe's
 * generateTestHeaderString, Svix's Webhook.sign, Octokit's sign). The outcome is in the journal,
 * in `<route>/logs`, and usable as `where=signature.valid`; `enforce` answers 400.
 */
import { sign as octokitSign } from "@octokit/webhooks-methods";
import Stripe from "stripe";
import { Webhook as SvixWebhook } from "svix";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startFromText, type TestServer } from "./support/start-app.js";

const stripe = new Stripe("sk_test_unused");
const STRIPE_SECRET = "whsec_receiving_side_test";
const SVIX_SECRET = "whsec_" + Buffer.from("svix-receiving-side-key-0123456").toString("base64");

const config = `
routes:
  - path: /stripe/webhook
    method: POST
    verify: { scheme: stripe, secret: "{{env.STRIPE_WEBHOOK_SECRET}}", enforce: true }
    response: { status: 200, body: { received: true } }
    webhooks:
      - url: "http://127.0.0.1:9/after-stripe"
        retry: { max_attempts: 1 }
        body: { forwarded: true }
  - path: /svix/webhook
    method: POST
    verify: { scheme: svix, secret: "${SVIX_SECRET}" }
    response: { status: 204 }
  - path: /github/webhook
    method: POST
    verify: { scheme: github, secret: gh-secret }
    response: { status: 202 }
`;

describe("routes that verify incoming signatures", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startFromText(config, { env: { STRIPE_WEBHOOK_SECRET: STRIPE_SECRET } });
  });
  afterAll(async () => {
    await s.close();
  });

  const post = (path: string, body: string, headers: Record<string, string>) =>
    call(`${s.url}${path}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });

  it("stripe: a request signed by Stripe's own test helper is valid; a bad one is answered 400 (enforce) and journaled with why", async () => {
    const body = JSON.stringify({ id: "evt_ok", object: "event", type: "payment_intent.succeeded" });
    const header = stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_SECRET });
    expect((await post("/stripe/webhook", body, { "stripe-signature": header })).status).toBe(200);

    const forged = stripe.webhooks.generateTestHeaderString({ payload: body, secret: "whsec_wrong" });
    const bad = await post("/stripe/webhook", body, { "stripe-signature": forged });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "MFG_ERR_SIGNATURE_INVALID", details: { reason: "bad_signature" } });

    const old = stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_SECRET, timestamp: Math.floor(Date.now() / 1000) - 900 });
    expect((await post("/stripe/webhook", body, { "stripe-signature": old })).body.error.details.reason).toBe("stale_timestamp");
    expect((await post("/stripe/webhook", body, {})).body.error.details.reason).toBe("missing_header");

    // Only the accepted request went on to fire the route's webhook.
    const deliveries = await call(`${s.url}/__mockforge/deliveries?url=after-stripe`);
    expect(deliveries.body).toHaveLength(1);

    const logs = await call(`${s.url}/stripe/webhook/logs`);
    expect(logs.body.map((e: { signature: { valid: boolean; reason: string | null } }) => e.signature.reason ?? "valid")).toEqual([
      "missing_header",
      "stale_timestamp",
      "bad_signature",
      "valid",
    ]);
  });

  it("svix: Webhook.sign's signature is valid; without enforce a bad one is still answered, and journaled invalid", async () => {
    const body = JSON.stringify({ type: "invoice.paid" });
    const at = new Date();
    const signature = new SvixWebhook(SVIX_SECRET).sign("msg_recv_1", at, body);
    const headers = { "svix-id": "msg_recv_1", "svix-timestamp": String(Math.floor(at.getTime() / 1000)), "svix-signature": signature };
    expect((await post("/svix/webhook", body, headers)).status).toBe(204);
    expect((await post("/svix/webhook", body + " ", headers)).status).toBe(204);

    const valid = await call(`${s.url}/__mockforge/requests/wait?path=/svix/webhook&count=1&timeout_ms=2000&where=${encodeURIComponent("signature.valid")}`);
    expect(valid.status).toBe(200);
    const invalid = await call(`${s.url}/__mockforge/requests/wait?path=/svix/webhook&count=1&timeout_ms=2000&where=${encodeURIComponent("signature.reason == 'bad_signature'")}`);
    expect(invalid.status).toBe(200);
  });

  it("verify-signature takes a scheme: a journaled Stripe request checked on demand, with the reason's code", async () => {
    const body = JSON.stringify({ id: "evt_on_demand" });
    const header = stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_SECRET });
    await post("/stripe/webhook", body, { "stripe-signature": header });
    const id = (await call(`${s.url}/stripe/webhook/logs`)).body[0].id;
    const check = (secret: string, scheme = "stripe") => call(`${s.url}/__mockforge/verify-signature`, { body: { scheme, secret, request_id: id } });
    expect((await check(STRIPE_SECRET)).body).toEqual({ ok: true, reason: null, code: null });
    expect((await check("whsec_other")).body).toMatchObject({ ok: false, code: "bad_signature" });
    expect((await check(STRIPE_SECRET, "paypal")).status).toBe(400);
  });

  it("github: Octokit's sign is valid", async () => {
    const body = JSON.stringify({ zen: "Keep it logically awesome." });
    const r = await post("/github/webhook", body, { "x-hub-signature-256": await octokitSign("gh-secret", body), "x-github-event": "ping" });
    expect(r.status).toBe(202);
    const logs = await call(`${s.url}/github/webhook/logs`);
    expect(logs.body[0].signature).toEqual({ valid: true, scheme: "github", reason: null, message: null });
  });
});
