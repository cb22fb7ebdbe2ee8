/**
 * Issue 14, finding 7: a pathological regular expression cannot freeze the server. Each case
 * sends `^(a+)+$` against 31 `a`s and a `!` (seconds of backtracking on a backtracking engine)
 * and times a second, concurrent request: it must answer at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startFromText, type TestServer } from "./support/start-app.js";

const EVIL = `${"a".repeat(31)}!`;
const QUICK_MS = 1_500;

const CONFIG = `
routes:
  - path: /check
    method: GET
    response:
      body: { ok: "{{request.query.s matches '^(a+)+$'}}" }
  - path: /dyn
    method: GET
    response:
      body: { ok: "{{request.query.s matches request.query.p}}" }
  - path: /hooked
    method: GET
    response: { body: hooked }
    webhooks:
      - url: "http://127.0.0.1:9/never"
        condition: "request.query.s matches '^(a+)+$'"
  - path: /ruled
    method: GET
    response: { body: ruled }
  - path: /ping
    method: GET
    response: { body: pong }
intelligent_behavior:
  behavior_model:
    consistency_rules:
      - name: redos
        condition: "path == '/ruled' AND query.s matches '^(a+)+$'"
        action: { type: webhook, url: "http://127.0.0.1:9/never" }
`;

async function timed<T>(p: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await p();
  return { ms: performance.now() - t, value };
}

describe("matches runs in linear time", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startFromText(CONFIG);
    await call(`${s.url}/ping`); // warm up
  });
  afterAll(() => s.close());

  it("in a response template: the attack and a concurrent request both answer at once", async () => {
    const [attack, ping] = await Promise.all([timed(() => call(`${s.url}/check?s=${EVIL}`)), timed(() => call(`${s.url}/ping`))]);
    expect(attack.value.body).toEqual({ ok: false });
    expect(ping.value.text).toBe("pong");
    expect(attack.ms).toBeLessThan(QUICK_MS);
    expect(ping.ms).toBeLessThan(QUICK_MS);
    expect((await call(`${s.url}/check?s=aaaa`)).body).toEqual({ ok: true });
  }, 60_000);

  it("with the pattern taken from the request", async () => {
    const p = encodeURIComponent("^(a+)+$");
    const [attack, ping] = await Promise.all([timed(() => call(`${s.url}/dyn?s=${EVIL}&p=${p}`)), timed(() => call(`${s.url}/ping`))]);
    expect(attack.value.body).toEqual({ ok: false });
    expect(Math.max(attack.ms, ping.ms)).toBeLessThan(QUICK_MS);
  }, 60_000);

  it("in a route webhook condition, evaluated after the response", async () => {
    expect((await call(`${s.url}/hooked?s=${EVIL}`)).text).toBe("hooked");
    const ping = await timed(() => call(`${s.url}/ping`));
    expect(ping.ms).toBeLessThan(QUICK_MS);
  }, 60_000);

  it("in a consistency rule condition", async () => {
    expect((await call(`${s.url}/ruled?s=${EVIL}`)).text).toBe("ruled");
    const ping = await timed(() => call(`${s.url}/ping`));
    expect(ping.ms).toBeLessThan(QUICK_MS);
    const stats = (await call(`${s.url}/__mockforge/rules`)).body as { name: string; matched: number; conditionErrors: number }[];
    expect(stats.find((r) => r.name === "redos")).toMatchObject({ matched: 0, conditionErrors: 0 });
  }, 60_000);
});
