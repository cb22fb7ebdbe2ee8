import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";
import { Receiver } from "./support/receiver.js";
import { seedFixture } from "./support/seed-fixture.js";
import { seedRoutes } from "./support/seed-server.js";
import { call, startFromText, type TestServer } from "./support/start-app.js";

// The seed's chains (Method 2, Examples 1–3) loaded from `chains:` in a config, exactly as
// written except for their hosts, and run by the server against itself and a real receiver.
describe("seed chains through the server", () => {
  let rx: Receiver;
  let s: TestServer;
  beforeAll(async () => {
    rx = await new Receiver().start();
    const files: Record<string, string> = {};
    for (const f of ["03-chain-definition.yaml", "04-example-multi-webhook-chain.yaml", "08-example-2-payment-gateway-callbacks.yaml", "09-example-3-event-driven-architecture.yaml"]) {
      files[f] = seedFixture(f, { receiver: rx.url });
    }
    // Example 1 is added through the admin API, which reads only env_allowlist: it signs with WEBHOOK_SECRET.
    s = await startFromText(`env_allowlist: [WEBHOOK_SECRET]\nchains: ["0*.yaml"]\nroutes:${seedRoutes("succeeded")}`, { files, env: { WEBHOOK_TOKEN: "tok", WEBHOOK_SECRET: "sec" } });
    // Example 1 calls `http://localhost:3000` literally: it can only point at this server once
    // its port is known, so it is added through the admin API (as YAML, as written).
    const ex1 = seedFixture("07-example-1-e-commerce-order-webhook.yaml", { receiver: rx.url, server: s.url });
    const added = await fetch(`${s.url}/__mockforge/chains`, { method: "POST", headers: { "content-type": "application/yaml" }, body: ex1 });
    expect(added.status).toBe(201);
  });
  afterAll(async () => {
    await s.close();
    await rx.stop();
  });

  it("lists the chains loaded from the glob, with ids from the files", async () => {
    const r = await call(`${s.url}/__mockforge/chains`);
    expect(r.body.map((c: any) => c.id).sort()).toEqual(["ecommerce_order_webhooks", "event_driven_webhooks", "order_processing_chain", "payment_processing_with_webhooks", "payment_with_callbacks"]);
  });

  it("Example multi-webhook chain: parallel webhooks after the payment, the conditional one and its dependent", async () => {
    const r = await call(`${s.url}/__mockforge/chains/payment_processing_with_webhooks/execute`, { body: {} });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe("succeeded");
    const byId = Object.fromEntries(r.body.links.map((l: any) => [l.id, l]));
    expect(byId.process_payment.status).toBe("succeeded");
    expect(byId.payment_success_webhook.status).toBe("succeeded");
    expect(byId.inventory_update_webhook.status).toBe("succeeded");
    expect(byId.email_webhook.status).toBe("succeeded");
    const [success] = await rx.waitForPath("/webhooks/payment-success");
    expect(success!.headers.authorization).toBe("Bearer tok");
    expect(success!.body).toEqual({ event: "payment.succeeded", payment_id: "pay_1", amount: 99.99 });
    const [email] = await rx.waitForPath("/webhooks/send");
    expect(email!.body).toEqual({ template: "payment_confirmation", payment_id: "pay_1" });
    // The email webhook depends on the success webhook: it starts after it.
    expect(email!.at).toBeGreaterThan(success!.at);
  });

  it("Example 1: request.* is the first link's request; an unknown chain name renders empty", async () => {
    const r = await call(`${s.url}/__mockforge/chains/ecommerce_order_webhooks/execute`, { body: {} });
    expect(r.body.status).toBe("succeeded");
    const [confirm] = await rx.waitForPath("/order-created");
    expect(confirm!.body).toMatchObject({ event: "order.created", order_id: "ord_1", customer_id: "cust_123", total: 59.98 });
    expect(confirm!.headers["x-webhook-signature"]).toBe("sec");
    const [reserve] = await rx.waitForPath("/webhooks/reserve");
    expect(reserve!.body).toEqual({ action: "reserve", order_id: "ord_1", items: [{ product_id: "prod_456", quantity: 2, price: 29.99 }] });
    const [email] = await rx.waitFor((x) => x.path === "/webhooks/send" && (x.body as any).template === "order_confirmation");
    expect((email!.body as any).to).toBe("");
    expect(r.body.warnings.join(" ")).toMatch(/customer/);
  });

  it("Example 3: three subscribers get the event with the triggering request's data", async () => {
    const r = await call(`${s.url}/__mockforge/chains/event_driven_webhooks/execute`, { body: {} });
    expect(r.body.status).toBe("succeeded");
    const got = await rx.waitFor((x) => x.path === "/webhooks/events", 3);
    for (const g of got) expect(g.body).toEqual({ event_id: "evt_1", event_type: "user.registered", data: { user_id: "usr_123", email: "user@example.com" } });
  });

  it("Example 2: the callback link is skipped when the payment is not processing, and runs when it is", async () => {
    let r = await call(`${s.url}/__mockforge/chains/payment_with_callbacks/execute`, { body: {} });
    expect(r.body.links.find((l: any) => l.id === "payment_gateway_callback").status).toBe("skipped");
    // Switch the mocked payment route to answer `processing`, at run time.
    const put = await call(`${s.url}/__mockforge/routes/${encodeURIComponent("POST /api/payments")}`, {
      method: "PUT",
      body: { path: "/api/payments", method: "POST", response: { status: 201, body: { id: "pay_2", status: "processing" } } },
    });
    expect(put.status).toBe(200);
    r = await call(`${s.url}/__mockforge/chains/payment_with_callbacks/execute`, { body: {} });
    const cb = r.body.links.find((l: any) => l.id === "payment_gateway_callback");
    expect(cb.status).toBe("succeeded");
    expect(cb.response.body).toEqual({ ok: true, payment: "pay_2" });
    const j = await call(`${s.url}/__mockforge/requests?path=/api/payments/pay_2/callback`);
    expect(j.body[0].body).toMatchObject({ event: "payment.succeeded", payment_id: "pay_2", transaction_id: "txn_abc123" });
  });

  it("keeps every run in the history", async () => {
    const runs = await call(`${s.url}/__mockforge/chains/payment_with_callbacks/runs`);
    expect(runs.body.length).toBeGreaterThanOrEqual(2);
    const one = await call(`${s.url}/__mockforge/chains/payment_with_callbacks/runs/${runs.body[0].id}`);
    expect(one.body.links.length).toBe(2);
  });

  it("adds a chain from a YAML body; refuses a cycle before sending anything", async () => {
    // (Not this server's /__mockforge/health: chains may not call their own admin API, issue 14.)
    const yaml = `id: ping\nlinks:\n  - request: { id: a, method: GET, url: "${rx.url}/ping" }\n`;
    const add = await fetch(`${s.url}/__mockforge/chains`, { method: "POST", headers: { "content-type": "application/yaml" }, body: yaml });
    expect(add.status).toBe(201);
    expect((await call(`${s.url}/__mockforge/chains/ping/execute`, { body: {} })).body.status).toBe("succeeded");
    const before = rx.received.length;
    const cyc = await call(`${s.url}/__mockforge/chains`, {
      body: { id: "cyc", links: [{ request: { id: "a", method: "POST", url: `${rx.url}/a` }, dependsOn: ["b"] }, { request: { id: "b", method: "POST", url: `${rx.url}/b` }, dependsOn: ["a"] }] },
    });
    expect(cyc.status).toBe(400);
    expect(JSON.stringify(cyc.body)).toMatch(/a → b → a|b → a → b/);
    expect(rx.received.length).toBe(before);
    const unknown = await call(`${s.url}/__mockforge/chains/nope/execute`, { body: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("MFG_ERR_CHAIN_NOT_FOUND");
  });
});

describe("mockforge chain run", () => {
  const dir = mkdtempSync(join(tmpdir(), "mockforge-chain-cli-"));
  let rx: Receiver;
  let s: TestServer;
  beforeAll(async () => {
    rx = await new Receiver().start();
    s = await startFromText(`routes:${seedRoutes("succeeded")}`);
  });
  afterAll(async () => {
    await s.close();
    await rx.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs the seed's chain definition, prints a table, exits 0", async () => {
    const file = join(dir, "order_processing_chain.yaml");
    writeFileSync(file, seedFixture("03-chain-definition.yaml", { receiver: rx.url }));
    const r = await runCli(["chain", "run", file, "--var", `base_url=${s.url}`]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/create_order\s+succeeded\s+201/);
    expect(r.stdout).toMatch(/notify_webhook\s+succeeded\s+200/);
    const [got] = await rx.waitForPath("/orders/created");
    expect(got!.body).toMatchObject({ event: "order.created", order_id: "ord_1", total: 59.98 });
  });

  it("reads the environment variables the chain file names, plus --allow-env, and no others", async () => {
    const file = join(dir, "env.yaml");
    writeFileSync(file, `links:\n  - request: { id: a, method: POST, url: "${rx.url}/cli-env", body: { token: "{{env.CLI_TOKEN}}", whole: "{{env}}" } }\n`);
    const env = { CLI_TOKEN: "t1", CLI_REGION: "eu", CLI_SECRET: "not-for-chains" };
    const r = await runCli(["chain", "run", file, "--allow-env", "CLI_REGION"], { env });
    expect(r.code).toBe(0);
    const [got] = await rx.waitForPath("/cli-env");
    expect(got!.body).toEqual({ token: "t1", whole: { CLI_TOKEN: "t1", CLI_REGION: "eu" } });
  });

  it("exits 1 when a link fails (target down) and 2 when the chain is invalid", async () => {
    const down = join(dir, "down.yaml");
    writeFileSync(down, `links:\n  - request: { id: a, method: GET, url: "http://127.0.0.1:1/x" }\n  - request: { id: b, method: GET, url: "${s.url}/api/orders" }\n`);
    const r = await runCli(["chain", "run", down]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/a\s+failed/);
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, `links:\n  - request: { id: a, method: GET, url: "x" }\n    depends_on: [zz]\n`);
    const r2 = await runCli(["chain", "run", bad]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/zz/);
  });
});
