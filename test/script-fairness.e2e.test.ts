/**
 * Issue 15, item 9, through the server on real sockets: 20 requests to a route whose script
 * never ends hold only their share of the script pool, another scripted route still answers,
 * and when their clients give up the runs still waiting are dropped. Progress is asserted
 * (what is queued, what answered), not timings.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startFromText, type TestServer } from "./support/start-app.js";

const CONFIG = `
scripting:
  pool_size: 2
  timeout_ms: 60000
routes:
  - path: /spin
    script: "while (true) {}"
  - path: /ok
    response: { body: { ok: false } }
    script: "mockforge.response.body = { ok: true };"
`;

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

describe("runaway route scripts do not stall other routes' scripts", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startFromText(CONFIG);
  });
  afterAll(() => s.close());

  it("a scripted route answers while 20 runaway requests hold their half of the pool; their queued runs are dropped when the clients leave", async () => {
    const stats = () => s.app.services.scripts().stats();
    const clients = Array.from({ length: 20 }, () => new AbortController());
    const pending = clients.map((c) => fetch(`${s.url}/spin`, { signal: c.signal }).then(() => "answered", () => "aborted"));
    await until("1 runaway running and 19 queued", () => stats().busy === 1 && stats().queued === 19);

    const ok = await call(`${s.url}/ok`);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ ok: true });
    expect(stats().queued).toBe(19);

    for (const c of clients) c.abort();
    expect(new Set(await Promise.all(pending))).toEqual(new Set(["aborted"]));
    await until("the queued runs of clients that left are dropped", () => stats().queued === 0);
  });
});
