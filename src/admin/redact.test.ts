import { describe, expect, it } from "vitest";
import { redact, redactedJson } from "./redact.js";

describe("redact", () => {
  it("replaces secrets whole, masks credential headers, leaves the rest and the input alone", () => {
    const input = {
      http: { admin_token: "t0ken" },
      signing: { scheme: "standard-webhooks", secret: "whsec_x", secrets: ["a", "b"] },
      headers: { Authorization: "Bearer abcdef", "content-type": "application/json", cookie: ["a=1234", "b=2"] },
      list: [{ headers: { "x-api-key": "k" } }],
      body: { authorization: "not a header: kept" },
    };
    const out = redact(input) as typeof input;
    expect(out).toEqual({
      http: { admin_token: "[redacted]" },
      signing: { scheme: "standard-webhooks", secret: "[redacted]", secrets: ["[redacted]", "[redacted]"] },
      headers: { Authorization: "Bear…[redacted]", "content-type": "application/json", cookie: ["a=12…[redacted]", "[redacted]"] },
      list: [{ headers: { "x-api-key": "[redacted]" } }],
      body: { authorization: "not a header: kept" },
    });
    expect(input.headers.Authorization).toBe("Bearer abcdef");
    expect((redact(input, { reveal: true }) as typeof input).headers.Authorization).toBe("Bearer abcdef");
    expect((redact(input, { reveal: true }) as typeof input).signing.secret).toBe("[redacted]");
  });
});

describe("redactedJson", () => {
  it("is the redacted JSON whenever a key it acts on is present, and the plain JSON otherwise", () => {
    const plain = { id: "req_1", status: 200, note: 'a "secret": in a string' };
    expect(redactedJson(plain)).toBe(JSON.stringify(plain));
    const nested = { run: { signing: { secret: "whsec_x" } }, request: { headers: { Authorization: "Bearer tok_123" } } };
    expect(redactedJson(nested)).toBe(JSON.stringify(redact(nested)));
    expect(redactedJson(nested, { reveal: true })).toBe(JSON.stringify(redact(nested, { reveal: true })));
    expect(redactedJson(nested)).not.toContain("whsec_x");
  });
});
