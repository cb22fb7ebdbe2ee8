/**
 * Issue 14, finding 8: one redaction for every admin answer. Signing secrets are never shown;
 * journaled Authorization / Cookie / X-Api-Key values keep their first 4 characters unless
 * `?reveal=true` comes with the admin token.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SseReader } from "./support/sse.js";
import { call, startFromText, type TestServer } from "./support/start-app.js";

const CONFIG = `
http: { admin_token: "adm-token-1" }
routes:
  - path: /orders
    method: POST
    response: { status: 201, body: { ok: true } }
    webhooks:
      - url: "http://127.0.0.1:9/never"
        condition: "false"
        signing: { scheme: standard-webhooks, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }
`;

describe("redaction of admin answers", () => {
  let s: TestServer;
  const auth = { authorization: "Bearer adm-token-1" };
  beforeAll(async () => {
    s = await startFromText(CONFIG);
    await call(`${s.url}/orders`, { body: { n: 1 }, headers: { authorization: "Bearer captured-secret", cookie: "session=abcdef", "x-api-key": "key_9876543" } });
  });
  afterAll(() => s.close());

  it("GET /routes does not show the signing secret", async () => {
    const r = await call(`${s.url}/__mockforge/routes`, { headers: auth });
    expect(r.text).not.toContain("whsec_MfKQ");
    expect(r.body[0].config.webhooks[0].signing.secret).toBe("[redacted]");
    expect((await call(`${s.url}/__mockforge/routes?reveal=true`, { headers: auth })).text).not.toContain("whsec_MfKQ");
  });

  it("the journal and <route>/logs keep 4 characters of credential headers, all of them with reveal and the token", async () => {
    for (const path of ["/__mockforge/requests", "/orders/logs"]) {
      const r = await call(`${s.url}${path}`, { headers: auth });
      expect(r.text).not.toContain("captured-secret");
      expect(r.text).not.toContain("abcdef");
      expect(r.text).not.toContain("key_9876543");
      expect(r.body[0].headers.authorization).toBe("Bear…[redacted]");
      expect(r.body[0].headers.cookie).toBe("sess…[redacted]");
      expect(r.body[0].headers["x-api-key"]).toBe("key_…[redacted]");
      const revealed = await call(`${s.url}${path}?reveal=true`, { headers: auth });
      expect(revealed.body[0].headers.authorization).toBe("Bearer captured-secret");
    }
  });
});

describe("the event stream passes the same redaction", () => {
  let s: TestServer;
  const auth = { authorization: "Bearer adm-token-1" };
  beforeAll(async () => {
    s = await startFromText(CONFIG);
  });
  afterAll(() => s.close());

  // Whatever a publisher puts in an event (today's payloads are summaries; tomorrow's may carry a
  // request or a signing block), GET /__mockforge/events never sends a secret whole.
  const leaky = { runId: "run_1", rule: "r", status: "succeeded", request: { headers: { Authorization: "Bearer captured-secret", cookie: "session=abcdef", "X-Api-Key": "key_9876543" } }, signing: { scheme: "stripe", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" } };

  it("redacts signing secrets and credential headers in every event sent over the socket", async () => {
    const sse = await SseReader.open(`${s.url}/__mockforge/events?types=rule.run`, auth);
    try {
      s.app.events.publish("rule.run", leaky as never);
      const [e] = await sse.waitFor((x) => x.event === "rule.run");
      const text = JSON.stringify(e!.data);
      for (const secret of ["captured-secret", "abcdef", "key_9876543", "whsec_MfKQ"]) expect(text).not.toContain(secret);
      expect(e!.data.request.headers).toEqual({ Authorization: "Bear…[redacted]", cookie: "sess…[redacted]", "X-Api-Key": "key_…[redacted]" });
      expect(e!.data.signing.secret).toBe("[redacted]");
    } finally {
      sse.close();
    }
  });

  it("?reveal=true with the token shows credential headers whole, never the signing secret", async () => {
    const sse = await SseReader.open(`${s.url}/__mockforge/events?types=rule.run&reveal=true`, auth);
    try {
      s.app.events.publish("rule.run", leaky as never);
      const [e] = await sse.waitFor((x) => x.event === "rule.run");
      expect(e!.data.request.headers.Authorization).toBe("Bearer captured-secret");
      expect(JSON.stringify(e!.data)).not.toContain("whsec_MfKQ");
    } finally {
      sse.close();
    }
  });
});

describe("reveal needs a token", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startFromText(`routes: [{ path: /a, method: GET, response: { body: ok } }]\n`);
    await call(`${s.url}/a`, { headers: { authorization: "Bearer captured-secret" } });
  });
  afterAll(() => s.close());

  it("a loopback server without a token never reveals credential headers", async () => {
    expect((await call(`${s.url}/__mockforge/requests?reveal=true`)).text).not.toContain("captured-secret");
  });
});
