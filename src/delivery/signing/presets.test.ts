import { verify as octokitVerify } from "@octokit/webhooks-methods";
import { verifySlackRequest } from "@slack/bolt";
import Stripe from "stripe";
import { Webhook as SvixWebhook } from "svix";
import { describe, expect, it } from "vitest";
import { signingSchema, validateSigning } from "../../config/schema/signing.js";
import { PRESETS, schemeOf } from "./presets.js";
import { signScheme } from "./sign-scheme.js";
import { verifyScheme } from "./verify-scheme.js";

const NOW = Date.UTC(2026, 10, 29, 8, 0, 0);
const BODY = '{"id":"evt_1",  "type": "checkout.session.completed"}';
const WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const WHSEC2 = "whsec_" + Buffer.from("another-secret-of-32-bytes-long!").toString("base64");
const stripe = new Stripe("sk_test_unused");

describe("presets, checked by each provider's SDK", () => {
  it("stripe: t=…,v1=… over 't.body' with the whsec_ text as a UTF-8 key; one v1 entry per secret", () => {
    const { signed } = signScheme(PRESETS.stripe, { id: "msg_1", nowMs: NOW, body: BODY, secrets: [WHSEC, WHSEC2] });
    expect(signed["Stripe-Signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    for (const s of [WHSEC, WHSEC2]) {
      expect(stripe.webhooks.constructEvent(BODY, signed["Stripe-Signature"]!, s, 300, undefined, NOW).id).toBe("evt_1");
    }
  });

  it("svix: svix-id/-timestamp/-signature, each rotated secret verifies", () => {
    const { signed } = signScheme(PRESETS.svix, { id: "msg_2", nowMs: Date.now(), body: BODY, secrets: [WHSEC, WHSEC2] });
    for (const s of [WHSEC, WHSEC2]) expect(new SvixWebhook(s).verify(BODY, signed)).toMatchObject({ id: "evt_1" });
  });

  it("github: sha256= hex of the body, X-GitHub-Event and X-GitHub-Delivery", async () => {
    const { signed, extra } = signScheme(PRESETS.github, { id: "msg_3", nowMs: NOW, body: BODY, secrets: ["gh-secret"], fields: { event: "push" } });
    expect(await octokitVerify("gh-secret", BODY, signed["X-Hub-Signature-256"]!)).toBe(true);
    expect(signed["X-Hub-Signature"]).toMatch(/^sha1=[0-9a-f]{40}$/);
    expect(signed["X-GitHub-Delivery"]).toBe("msg_3");
    expect(extra).toEqual({ "X-GitHub-Event": "push" });
  });

  it("slack: v0= hex of 'v0:t:body' with the timestamp header from the same clock read", () => {
    const { signed } = signScheme(PRESETS.slack, { id: "msg_4", nowMs: NOW, body: BODY, secrets: ["slack-secret"] });
    expect(signed["X-Slack-Request-Timestamp"]).toBe(String(NOW / 1000));
    const headers = { "x-slack-signature": signed["X-Slack-Signature"]!, "x-slack-request-timestamp": Number(signed["X-Slack-Request-Timestamp"]) };
    expect(() => verifySlackRequest({ signingSecret: "slack-secret", body: BODY, headers, nowMilliseconds: NOW + 1000 })).not.toThrow();
  });

  it("shopify: base64 of the digest bytes, not of the hex text", () => {
    const { signed } = signScheme(PRESETS.shopify, { id: "msg_5", nowMs: NOW, body: BODY, secrets: ["shpss_x"] });
    expect(Buffer.from(signed["X-Shopify-Hmac-Sha256"]!, "base64")).toHaveLength(32);
  });
});

describe("verifyScheme", () => {
  const at = (nowMs: number) => signScheme(PRESETS.stripe, { id: "m", nowMs, body: BODY, secrets: ["whsec_s"] }).signed;

  it("accepts what the SDK's own helper signs", () => {
    const header = stripe.webhooks.generateTestHeaderString({ payload: BODY, secret: "whsec_s", timestamp: NOW / 1000 });
    expect(verifyScheme(PRESETS.stripe, { headers: { "stripe-signature": header }, body: BODY, secrets: ["whsec_s"], nowMs: NOW }).valid).toBe(true);
    const svixHeaders = new SvixWebhook(WHSEC).sign("msg_x", new Date(NOW), BODY);
    // Svix.sign gives only the signature; the id and timestamp travel beside it.
    const h = { "svix-id": "msg_x", "svix-timestamp": String(NOW / 1000), "svix-signature": svixHeaders };
    expect(verifyScheme(PRESETS.svix, { headers: h, body: BODY, secrets: [WHSEC], nowMs: NOW })).toMatchObject({ valid: true, reason: null });
  });

  it.each([
    ["bad_signature", { body: BODY + " " }],
    ["bad_signature", { secrets: ["whsec_other"] }],
    ["stale_timestamp", { nowMs: NOW + 301_000 }],
    ["missing_header", { headers: {} }],
    ["malformed_header", { headers: { "Stripe-Signature": "v1=abc" } }],
  ])("says %s", (reason, over) => {
    const r = verifyScheme(PRESETS.stripe, { headers: at(NOW), body: BODY, secrets: ["whsec_s"], nowMs: NOW, ...over });
    expect(r).toMatchObject({ valid: false, reason });
    expect(r.message).toBeTruthy();
  });

  it("github and shopify sign no timestamp, so age never matters", () => {
    const { signed } = signScheme(PRESETS.github, { id: "m", nowMs: NOW, body: BODY, secrets: ["k"], fields: { event: "push" } });
    expect(verifyScheme(PRESETS.github, { headers: signed, body: BODY, secrets: ["k"], nowMs: NOW + 86_400_000 }).valid).toBe(true);
  });
});

describe("custom scheme", () => {
  it("is the same data as a preset: Stripe's layout written in the config verifies with the Stripe SDK", () => {
    const block = signingSchema.parse({ scheme: "custom", secret: "whsec_c", payload: "{timestamp}.{body}", header: "Stripe-Signature", signature: "v1={signature}", separator: ",", value: "t={timestamp},{signatures}" });
    const { signed } = signScheme(schemeOf(block), { id: "m", nowMs: NOW, body: BODY, secrets: ["whsec_c"] });
    expect(stripe.webhooks.constructEvent(BODY, signed["Stripe-Signature"]!, "whsec_c", 300, undefined, NOW).id).toBe("evt_1");
  });

  it("rejects placeholders the signer does not fill, and layouts without the signature", () => {
    expect(validateSigning(signingSchema.parse({ scheme: "custom", secret: "k", header: "X-Sig", payload: "{nonce}.{body}" }))).toMatch(/payload.*\{nonce\}/);
    expect(validateSigning(signingSchema.parse({ scheme: "custom", secret: "k", header: "X-Sig", value: "sig" }))).toMatch(/must contain \{signatures\}/);
  });

  it("a provider with one signature refuses a second secret, and a key a scheme does not use is an error", () => {
    expect(signingSchema.safeParse({ scheme: "slack", secrets: ["a", "b"] }).error?.issues[0]?.message).toMatch(/Slack sends one signature/);
    expect(signingSchema.safeParse({ scheme: "stripe", secret: "s", topic: "orders/create" }).success).toBe(false);
    expect(signingSchema.safeParse({ scheme: "github", secret: "s" }).success).toBe(false);
  });
});
