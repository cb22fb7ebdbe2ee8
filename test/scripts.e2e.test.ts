import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Receiver } from "./support/receiver.js";
import { seedFixture } from "./support/seed-fixture.js";
import { call, startFromText, type TestServer } from "./support/start-app.js";

describe("scripts on routes and chain links, through the server", () => {
  let rx: Receiver;
  let s: TestServer;
  beforeAll(async () => {
    rx = await new Receiver().start();
    s = await startFromText(
      `
env_allowlist: [ALLOWED]
scripting:
  timeout_ms: 1000
routes:
  - path: /api/orders
    method: POST
    response: { status: 201, body: { id: ord_1, status: created, total: 12.5 } }
  - path: /scripted
    method: POST
    response: { status: 200, body: { original: true } }
    script: |
      const r = await mockforge.http.post("${rx.url}/from-route", { got: mockforge.request.body.n });
      console.log("receiver said", r.status);
      mockforge.response.status = 202;
      mockforge.response.body = { n: mockforge.request.body.n * 2, receiver: r.status, env: mockforge.env.ALLOWED ?? null, secret: mockforge.env["SEC" + "RET"] ?? null };
  - path: /runaway
    method: POST
    script: "while (true) {}"
  - path: /throws
    script: |
      const a = 1;
      throw new Error("boom");
  - path: /escape
    script: |
      mockforge.response.body = { p: this.constructor.constructor("return typeof process")() };
  - path: /static
    response: { body: { ok: true } }
  - path: /relative
    script: |
      const r = await mockforge.http.get("/static");
      mockforge.response.body = { inner: r.body };
chains:
  - seed-05.yaml
`,
      {
        env: { ALLOWED: "yes", SECRET: "no" },
        // The seed's "Chain Configuration with Script": a fragment (a list of links), wrapped in the smallest chain document.
        files: { "seed-05.yaml": `id: seed_05\n${seedFixture("05-chain-configuration-with-script.yaml", { receiver: rx.url }).split("\n").filter((l) => !l.startsWith("# From the seed")).join("\n")}` },
      },
    );
  });
  afterAll(async () => {
    await s.close();
    await rx.stop();
  });

  it("a route script changes the response and calls out through the delivery engine; env is allowlisted", async () => {
    const r = await call(`${s.url}/scripted`, { body: { n: 21 } });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ n: 42, receiver: 200, env: "yes", secret: null });
    const [got] = await rx.waitForPath("/from-route");
    expect(got!.body).toEqual({ got: 21 });
    const d = await call(`${s.url}/__mockforge/deliveries?source=script`);
    expect(d.body.some((x: any) => x.request.url.endsWith("/from-route"))).toBe(true);
    const logs = await call(`${s.url}/__mockforge/scripts/logs?ref=${encodeURIComponent("POST /scripted")}`);
    expect(logs.body[0]).toMatchObject({ source: "route", ref: "POST /scripted" });
    expect(logs.body[0].logs.map((l: any) => l.message)).toContain("receiver said 200");
  });

  it("a relative URL in a script calls this server", async () => {
    const r = await call(`${s.url}/relative`);
    expect(r.body).toEqual({ inner: { ok: true } });
  });

  it("a runaway script is stopped at its deadline while the server keeps answering", async () => {
    const runaway = call(`${s.url}/runaway`, { body: {} });
    // While it spins, other requests are served.
    for (let i = 0; i < 5; i++) expect((await call(`${s.url}/static`)).status).toBe(200);
    const r = await runaway;
    expect(r.status).toBe(500);
    expect(r.body.error.code).toBe("MFG_ERR_SCRIPT_TIMEOUT");
    const j = await call(`${s.url}/__mockforge/requests?path=/runaway&limit=1`);
    expect(j.body[0].notes.join(" ")).toMatch(/MFG_ERR_SCRIPT_TIMEOUT/);
  });

  it("a script that throws answers 500 with its line; an escape attempt finds no process", async () => {
    const r = await call(`${s.url}/throws`);
    expect(r.status).toBe(500);
    expect(r.body.error).toMatchObject({ code: "MFG_ERR_SCRIPT_RUNTIME", line: 2 });
    expect(r.body.error.message).toMatch(/boom/);
    const e = await call(`${s.url}/escape`);
    expect(e.status).toBe(200);
    expect(e.body).toEqual({ p: "undefined" });
  });

  it("seed: the fire-and-forget post_script of a chain link sends its webhook", async () => {
    const run = await call(`${s.url}/__mockforge/chains/seed_05/execute`, { body: {} });
    expect(run.body.status).toBe("succeeded");
    const [got] = await rx.waitForPath("/orders/created");
    expect(got!.body).toMatchObject({ event: "order.created", order_id: "ord_1" });
    expect(Date.parse((got!.body as any).timestamp)).toBeGreaterThan(0);
    const logs = run.body.links[0].scriptLogs.map((l: any) => l.message).join("\n");
    expect(logs).toMatch(/Webhook sent: 200/);
    const all = await call(`${s.url}/__mockforge/scripts/logs?source=chain`);
    expect(all.body[0]).toMatchObject({ source: "chain", ref: "seed_05/create_order" });
    expect(all.body[0].logs.map((l: any) => l.message).join("\n")).toMatch(/Webhook sent: 200/);
  });
});
