import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { systemClock } from "../core/clock.js";
import { isMockForgeError } from "../core/errors.js";
import { signHeaders, signingSecrets, verifySignature } from "./signing.js";

// The test vector published with the Standard Webhooks / Svix libraries.
const VECTOR = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};
const OTHER = "whsec_" + Buffer.from("another-secret-of-32-bytes-long!").toString("base64");

describe("signHeaders", () => {
  it("matches the published vector", () => {
    expect(signHeaders(VECTOR.id, VECTOR.timestamp, VECTOR.body, [VECTOR.secret])).toEqual({
      "webhook-id": VECTOR.id,
      "webhook-timestamp": "1614265330",
      "webhook-signature": VECTOR.signature,
    });
  });

  it("verifies with the package's own verify", () => {
    const now = Math.floor(systemClock.now() / 1000);
    const body = JSON.stringify({ event: "order.created", id: 7 });
    const h = signHeaders("msg_abc", now, body, [VECTOR.secret]);
    expect(new Webhook(VECTOR.secret).verify(body, { ...h })).toEqual({ event: "order.created", id: 7 });
  });

  it("gives one signature per secret, each verifiable (rotation)", () => {
    const now = Math.floor(systemClock.now() / 1000);
    const h = signHeaders("msg_rot", now, "{}", [VECTOR.secret, OTHER]);
    expect(h["webhook-signature"].split(" ")).toHaveLength(2);
    expect(() => new Webhook(VECTOR.secret).verify("{}", { ...h })).not.toThrow();
    expect(() => new Webhook(OTHER).verify("{}", { ...h })).not.toThrow();
  });

  it("refuses to sign without a secret, and explains an unusable secret", () => {
    expect(() => signHeaders("msg", 1, "", [])).toThrow(/no secret/);
    try {
      signHeaders("msg", 1, "", ["whsec_%%%not-base64"]);
      expect.unreachable();
    } catch (e) {
      expect(isMockForgeError(e, "MFG_ERR_CONFIG_INVALID")).toBe(true);
    }
  });
});

describe("signingSecrets", () => {
  it("collects secret then secrets", () => {
    expect(signingSecrets({ scheme: "standard-webhooks", secret: "a", secrets: ["b", "c"] })).toEqual(["a", "b", "c"]);
    expect(signingSecrets(undefined)).toEqual([]);
  });
});

describe("verifySignature", () => {
  const now = VECTOR.timestamp * 1000 + 10_000;
  const headers = { "Webhook-Id": VECTOR.id, "webhook-timestamp": String(VECTOR.timestamp), "webhook-signature": VECTOR.signature };

  it("accepts the vector (header names in any case)", () => {
    expect(verifySignature({ headers, body: VECTOR.body, secret: VECTOR.secret, now })).toEqual({ ok: true, reason: null });
  });

  it("accepts when any of several signatures matches", () => {
    const h = { ...headers, "webhook-signature": `v1,AAAA ${VECTOR.signature}` };
    expect(verifySignature({ headers: h, body: VECTOR.body, secret: VECTOR.secret, now }).ok).toBe(true);
  });

  it.each([
    ["a changed body", { body: '{"test": 1}' }, /no signature in webhook-signature matches/],
    ["the wrong secret", { secret: OTHER }, /no signature in webhook-signature matches/],
    ["an old timestamp", { now: now + 3600_000 }, /3610 s old/],
    ["a future timestamp", { now: VECTOR.timestamp * 1000 - 600_000 }, /in the future/],
    ["missing headers", { headers: { "webhook-id": "x" } }, /missing header\(s\): webhook-timestamp, webhook-signature/],
    ["a non-numeric timestamp", { headers: { ...headers, "webhook-timestamp": "soon" } }, /not in the form/],
    ["a bad secret", { secret: "whsec_%%%" }, /not usable/],
  ])("rejects %s with a reason", (_name, over, reason) => {
    const r = verifySignature({ headers, body: VECTOR.body, secret: VECTOR.secret, now, ...over });
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(reason);
  });

  it("honours a custom tolerance", () => {
    expect(verifySignature({ headers, body: VECTOR.body, secret: VECTOR.secret, now, toleranceSeconds: 5 }).reason).toMatch(
      /tolerance 5 s/,
    );
  });
});
