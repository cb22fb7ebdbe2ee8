import { describe, expect, it } from "vitest";
import { timedSignatureWarnings } from "./signing-warnings.js";

const hook = (headers: Record<string, string>) => ({ webhooks: [{ method: "POST", url: "http://127.0.0.1:4000", headers }] });

describe("timedSignatureWarnings", () => {
  it("warns about a header template that signs a timestamp, naming the header", () => {
    const w = timedSignatureWarnings([hook({ "Stripe-Signature": "t={{now_unix}},v1={{hmac_sha256(env.K, now_unix + '.' + body)}}" })]);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^routes\[0\]\.webhooks\[0\]\.headers\.Stripe-Signature .*signing: \{scheme/);
  });

  it("never for a signature over the body alone, even beside a timestamp header", () => {
    expect(timedSignatureWarnings([hook({ "X-Sig": "{{hmac_sha256(env.K, body)}}", "X-Ts": "{{now_unix}}" })])).toEqual([]);
    expect(timedSignatureWarnings([hook({ "X-Hub-Signature-256": "sha256={{hmac_sha256(env.K, body)}}" })])).toEqual([]);
    expect(timedSignatureWarnings([hook({ "X-Sent-At": "{{now}}" })])).toEqual([]);
  });
});
