import { describe, expect, it } from "vitest";
import { MockForgeError } from "../src/core/errors.js";
import { Receiver } from "./support/receiver.js";
import { call, startFromText } from "./support/start-app.js";

/**
 * SPEC §3 / issue 15 item 1: a 2xx means the route's webhooks are stored. The response waits for
 * the outbox commit; when the row cannot be stored, the client gets 503 MFG_ERR_STORAGE with
 * Retry-After, never a 2xx. `webhooks.persist: after_response` trades this back for latency.
 */
const config = (url: string, persist?: string) => `
${persist ? `webhooks: { persist: ${persist} }\n` : ""}routes:
  - path: /api/orders
    method: POST
    response: { status: 201, body: { ok: true } }
    webhooks:
      - { url: "${url}/hooks", body: { n: "{{request.body.n}}" } }
`;

/** Makes the outbox refuse writes, as a full disk does. Only `insert` is replaced. */
function breakOutbox(s: Awaited<ReturnType<typeof startFromText>>): () => void {
  const store = s.app.services.storage.deliveries;
  const insert = store.insert.bind(store);
  store.insert = () => Promise.reject(new MockForgeError("MFG_ERR_STORAGE", "sqlite storage could not use 'state.db': SQLITE_FULL: database or disk is full"));
  return () => {
    store.insert = insert;
  };
}

describe("webhooks.persist", () => {
  it("before_response (the default): the 2xx comes after the webhook's row is committed", async () => {
    const rx = await new Receiver().start();
    const s = await startFromText(config(rx.url), { storage: "sqlite:state.db" });
    try {
      const store = s.app.services.storage.deliveries;
      const insert = store.insert.bind(store);
      let committed = 0;
      // A slow disk: the commit takes 300 ms. The answer must still come after it.
      store.insert = (d) => new Promise((r) => setTimeout(r, 300)).then(() => insert(d)).then(() => void committed++);
      const r = await call(`${s.url}/api/orders`, { method: "POST", body: { n: 1 } });
      expect(r.status).toBe(201);
      expect(committed).toBe(1);
      await rx.waitForPath("/hooks");
    } finally {
      await s.close();
      await rx.stop();
    }
  });

  it("before_response: a webhook that cannot be stored makes the answer 503 MFG_ERR_STORAGE with Retry-After, never 2xx", async () => {
    const rx = await new Receiver().start();
    const s = await startFromText(config(rx.url));
    try {
      const restore = breakOutbox(s);
      const r = await call(`${s.url}/api/orders`, { method: "POST", body: { n: 1 } });
      expect(r.status).toBe(503);
      expect(r.headers.get("retry-after")).toBe("1");
      expect(r.body.error.code).toBe("MFG_ERR_STORAGE");
      expect(r.body.error.message).toMatch(/webhooks this request triggered could not be stored/);
      restore();
      const ok = await call(`${s.url}/api/orders`, { method: "POST", body: { n: 2 } });
      expect(ok.status).toBe(201);
      // The 503 said "not accepted": its webhook must not go out (a client retrying would
      // otherwise cause two events with different webhook-ids).
      await rx.waitFor((h) => h.path === "/hooks" && (h.body as { n?: unknown }).n === 2);
      await new Promise((r) => setTimeout(r, 200));
      expect(rx.received.filter((h) => h.path === "/hooks").map((h) => h.body)).toEqual([{ n: 2 }]);
    } finally {
      await s.close();
      await rx.stop();
    }
  });

  it("after_response: the answer does not wait for the outbox (and a failed write is only logged)", async () => {
    const rx = await new Receiver().start();
    const s = await startFromText(config(rx.url, "after_response"));
    try {
      breakOutbox(s);
      const r = await call(`${s.url}/api/orders`, { method: "POST", body: { n: 1 } });
      expect(r.status).toBe(201);
    } finally {
      await s.close();
      await rx.stop();
    }
  });
});

describe("webhooks.persist for rule actions", () => {
  const rules = (url: string) => `
routes:
  - { path: /api/orders, method: POST, response: { status: 201, body: { ok: true } } }
  - { path: /api/other, method: GET, response: { status: 200 } }
intelligent_behavior:
  behavior_model:
    consistency_rules:
      - name: notify
        condition: "path == '/api/orders'"
        action: { type: webhook, url: "${url}/hooks", method: POST, body: { n: "{{body.n}}" } }
`;

  it("a rule webhook that cannot be stored makes the answer 503; a request no rule queues for is not affected", async () => {
    const rx = await new Receiver().start();
    const s = await startFromText(rules(rx.url));
    try {
      const restore = breakOutbox(s);
      const r = await call(`${s.url}/api/orders`, { method: "POST", body: { n: 1 } });
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe("MFG_ERR_STORAGE");
      expect((await call(`${s.url}/api/other`)).status).toBe(200);
      restore();
      expect((await call(`${s.url}/api/orders`, { method: "POST", body: { n: 2 } })).status).toBe(201);
      // The refused one never goes out: under before_response a webhook is sent once its row is stored.
      await rx.waitFor((h) => h.path === "/hooks" && (h.body as { n?: unknown }).n === 2);
      await new Promise((r) => setTimeout(r, 200));
      expect(rx.received.filter((h) => h.path === "/hooks").map((h) => h.body)).toEqual([{ n: 2 }]);
    } finally {
      await s.close();
      await rx.stop();
    }
  });
});
