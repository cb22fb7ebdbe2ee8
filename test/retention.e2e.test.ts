import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Receiver } from "./support/receiver.js";
import { call, startFromText, type TestServer } from "./support/start-app.js";

/** Polls `read` (every 20 ms, at most 5 s) until it is at most `max`; returns the last value. Pruning runs in the background. */
async function settlesAtMost(read: () => Promise<number>, max: number): Promise<number> {
  let n = await read();
  for (const deadline = Date.now() + 5000; n > max && Date.now() < deadline; n = await read()) await new Promise((r) => setTimeout(r, 20));
  return n;
}

// journal.max_entries and webhooks.retention as a server applies them: the store prunes (storage/retention.ts).
describe("retention from the config, over real HTTP", () => {
  let rx: Receiver;
  let s: TestServer;
  beforeAll(async () => {
    rx = await new Receiver().start();
    s = await startFromText(`
journal: { max_entries: 20 }
webhooks: { retention: 10 }
routes:
  - path: /api/ping
    method: POST
    response: { status: 200, body: { ok: true } }
    webhooks:
      - url: "${rx.url}/hooks/ping"
        body: { n: "{{request.body.n}}" }
`);
  });
  afterAll(async () => {
    await s.close();
    await rx.stop();
  });

  it("keeps the newest journal.max_entries requests and webhooks.retention finished deliveries", async () => {
    for (let n = 0; n < 100; n++) expect((await call(`${s.url}/api/ping`, { body: { n } })).status).toBe(200);
    await rx.waitFor((r) => r.url === "/hooks/ping", 100);
    const journal = await settlesAtMost(async () => (await call(`${s.url}/__mockforge/requests?limit=1000`)).body.length, 20 + 1);
    expect(journal).toBeGreaterThanOrEqual(20);
    expect(journal).toBeLessThanOrEqual(21);
    const deliveries = await settlesAtMost(async () => (await call(`${s.url}/__mockforge/deliveries?limit=1000`)).body.length, 10);
    expect(deliveries).toBe(10);
  });
});
