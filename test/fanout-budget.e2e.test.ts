import { describe, expect, it } from "vitest";
import { startFromText, type TestServer } from "./support/start-app.js";

/**
 * Issue 15 item 8: the loop guard bounds depth, and `webhooks.max_trace_fanout` bounds how many
 * outbound calls one trace may make. Past it, calls are recorded as suppressed and not sent.
 * Depth is left high enough that, without the budget, these loops make thousands of calls.
 */
async function settle(s: TestServer): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const rulesIdle = await s.app.services.rules.drain(10_000);
    const pending = await s.app.services.deliveries.drain(10_000);
    if (rulesIdle && pending === 0 && (await s.app.services.rules.drain(0))) return;
  }
}

async function outcome(s: TestServer) {
  const all = await s.app.services.storage.deliveries.list({ limit: 10_000 });
  const suppressed = all.filter((d) => d.lastError?.startsWith("suppressed: trace budget"));
  return { sent: all.length - suppressed.length, suppressed, all };
}

describe("webhooks.max_trace_fanout", () => {
  it("a route with three webhooks to itself stops at the budget; the rest are recorded as suppressed, not sent", async () => {
    const s = await startFromText(`
webhooks: { max_trace_depth: 7, max_trace_fanout: 30 }
routes:
  - path: /loop
    method: POST
    response: { status: 202 }
    webhooks:
      - { url: "{{base_url}}/loop", body: { a: 1 } }
      - { url: "{{base_url}}/loop", body: { b: 2 } }
      - { url: "{{base_url}}/loop", body: { c: 3 } }
`);
    try {
      const r = await fetch(`${s.url}/loop`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      expect(r.status).toBe(202);
      await settle(s);
      const { sent, suppressed } = await outcome(s);
      expect(sent).toBe(30);
      expect(suppressed.length).toBeGreaterThan(0);
      expect(suppressed.every((d) => d.attemptCount === 0 && d.status === "failed")).toBe(true);
      // Every request the loop made is in the journal: the first one, plus one per call sent.
      expect(await s.app.services.storage.journal.count()).toBe(31);
    } finally {
      await s.close();
    }
  }, 60_000);

  it("two rules that call the server back stop at the default budget of 100", async () => {
    const s = await startFromText(`
webhooks: { max_trace_depth: 12 }
routes:
  - { path: /ping, method: POST, response: { status: 200 } }
intelligent_behavior:
  behavior_model:
    consistency_rules:
      - { name: one, condition: "path == '/ping'", action: { type: webhook, url: "{{base_url}}/ping", method: POST, body: { r: 1 } } }
      - { name: two, condition: "path == '/ping'", action: { type: webhook, url: "{{base_url}}/ping", method: POST, body: { r: 2 } } }
`);
    try {
      await fetch(`${s.url}/ping`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      await settle(s);
      const { sent, suppressed } = await outcome(s);
      expect(sent).toBe(100);
      expect(suppressed.length).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  }, 60_000);
});
