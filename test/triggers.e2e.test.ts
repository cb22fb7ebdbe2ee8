import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDefaultHookServices, ExecutionContext, Hook, HookAction, HookType, startServer } from "../src/index.js";
import { runCli } from "./support/cli.js";
import { Receiver } from "./support/receiver.js";
import { seedFixture } from "./support/seed-fixture.js";
import { call, startFromText, type TestServer } from "./support/start-app.js";

/** Indents a seed fragment so it can stand inside a wrapping document; no line is changed otherwise. */
function indent(text: string, spaces: number): string {
  return text
    .split("\n")
    .filter((l) => !l.startsWith("# From the seed"))
    .map((l) => (l ? " ".repeat(spaces) + l : l))
    .join("\n");
}

describe("seed: Method 4 consistency rules", () => {
  let rx: Receiver;
  let s: TestServer;
  beforeAll(async () => {
    rx = await new Receiver().start();
    // The seed's rules verbatim, plus the two chains they name. The order chain POSTs back to the
    // route that triggered it: the loop guard must stop the second firing.
    s = await startFromText(`${seedFixture("06-method-4-consistency-rules.yaml", { receiver: rx.url })}
chains:
  - id: order_webhook_chain
    links:
      - request: { id: echo_order, method: POST, url: "{{base_url}}/api/orders", body: { again: true } }
      - request: { id: notify, method: POST, url: "${rx.url}/hooks/orders", body: { order_id: "{{chain.echo_order.id}}", customer: "{{request.body.customer_id}}" } }
        depends_on: [echo_order]
  - id: payment_webhook_chain
    links:
      - request: { id: notify, method: POST, url: "${rx.url}/hooks/payments", body: { payment: "{{request.body.id}}" } }
routes:
  - path: /api/orders
    method: POST
    response: { status: 201, body: { id: "ord_1" } }
  - path: /api/payments
    method: POST
    response: { status: 200, body: { ok: true } }
`);
  });
  afterAll(async () => {
    await s.close();
    await rx.stop();
  });

  it("runs the order chain once per order; the chain's call back into the route is suppressed", async () => {
    const r = await call(`${s.url}/api/orders`, { body: { customer_id: "cust_123" } });
    expect(r.status).toBe(201);
    const [got] = await rx.waitForPath("/hooks/orders");
    expect(got!.body).toEqual({ order_id: "ord_1", customer: "cust_123" });
    const runs = await waitForRuleRuns(s.url, 2);
    const byStatus = runs.map((x: any) => [x.rule, x.status]).sort();
    expect(byStatus).toEqual([
      ["trigger_webhook_on_order", "succeeded"],
      ["trigger_webhook_on_order", "suppressed"],
    ]);
    expect(runs.find((x: any) => x.status === "suppressed").reason).toMatch(/already running in this trace/);
    const orders = await call(`${s.url}/__mockforge/requests?path=/api/orders`);
    expect(orders.body).toHaveLength(2);
    expect(rx.received.filter((x) => x.path === "/hooks/orders")).toHaveLength(1);
  });

  it("matches on the request body: body.status == 'completed'", async () => {
    await call(`${s.url}/api/payments`, { body: { id: "pay_9", status: "pending" } });
    await call(`${s.url}/api/payments`, { body: { id: "pay_7", status: "completed" } });
    const [got] = await rx.waitForPath("/hooks/payments");
    expect(got!.body).toEqual({ payment: "pay_7" });
    expect(rx.received.filter((x) => x.path === "/hooks/payments")).toHaveLength(1);
  });
});

describe("rules see every served exchange", () => {
  it("a rule on status == 404 fires for a request no route matched", async () => {
    const rx = await new Receiver().start();
    const s = await startFromText(`
intelligent_behavior:
  behavior_model:
    consistency_rules:
      - name: report_missing
        condition: "status == 404 AND method == 'GET'"
        action: { type: http_request, method: POST, url: "${rx.url}/missing", body: { path: "{{path}}" } }
routes: [{ path: /here, response: { body: ok } }]
`);
    try {
      expect((await call(`${s.url}/not-here`)).status).toBe(404);
      expect((await call(`${s.url}/here`)).status).toBe(200);
      const [got] = await rx.waitForPath("/missing");
      expect(got!.body).toEqual({ path: "/not-here" });
    } finally {
      await s.close();
      await rx.stop();
    }
  });
});

async function waitForRuleRuns(url: string, n: number): Promise<any[]> {
  // Rule runs finish asynchronously after the response; wait for them through the journal of
  // rule runs, bounded.
  for (let i = 0; i < 100; i++) {
    const r = await call(`${url}/__mockforge/rules/runs`);
    const done = r.body.filter((x: any) => x.status !== "running");
    if (done.length >= n) return done;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error("rule runs did not finish");
}

describe("seed: Method 1 chaos orchestration hooks and Conditional Webhooks", () => {
  let rx: Receiver;
  let s: TestServer;
  beforeAll(async () => {
    rx = await new Receiver().start();
    const conditional = seedFixture("10-conditional-webhooks.yaml", { receiver: rx.url });
    s = await startFromText(`${seedFixture("01-configuration.yaml", { receiver: rx.url }).replace("chaos:\n  scenarios:\n", "chaos:\n  scenarios:\n")}
    - name: conditional_ok
      steps:
        - name: call
          request: { method: GET, url: "{{base_url}}/ok" }
${indent(conditional, 10)}
    - name: conditional_missing
      steps:
        - name: call
          request: { method: GET, url: "{{base_url}}/missing" }
${indent(conditional, 10)}
    - name: outage
      steps:
        - name: break_orders
          duration_ms: 20000
          chaos_config:
            errors: { status_codes: [503], probability: 1 }
            routes: ["POST /api/orders"]
routes:
  - path: /ok
    response: { status: 200, body: ok }
  - path: /api/orders
    method: POST
    response: { status: 201, body: { id: ord_1 } }
`);
  });
  afterAll(async () => {
    await s.close();
    await rx.stop();
  });

  it("Method 1: the post-step hook posts the templated webhook", async () => {
    const r = await call(`${s.url}/__mockforge/scenarios/order_placed_webhook/run?wait=true`, { body: { variables: { order_id: "ord_42" } } });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe("succeeded");
    const [got] = await rx.waitForPath("/orders/created");
    expect(got!.body).toMatchObject({ event: "order.created", order_id: "ord_42" });
    expect(Date.parse((got!.body as any).timestamp)).toBeGreaterThan(0);
    const report = await call(`${s.url}/__mockforge/scenarios/runs/${r.body.id}`);
    expect(report.body.deliveries).toHaveLength(1);
  });

  it("Conditional Webhooks: success_webhook fires on 200, error_webhook on 404", async () => {
    await call(`${s.url}/__mockforge/scenarios/conditional_ok/run?wait=true`, { body: {} });
    await rx.waitForPath("/success");
    const r = await call(`${s.url}/__mockforge/scenarios/conditional_missing/run?wait=true`, { body: {} });
    const hooks = r.body.steps[0].hooks.map((h: any) => [h.name, h.status]);
    expect(hooks).toEqual([
      ["success_webhook", "skipped"],
      ["error_webhook", "fired"],
    ]);
    const [err] = await rx.waitForPath("/error");
    // The step's request sets error_message from what went wrong.
    expect(err!.body).toMatchObject({ error_code: 404 });
    expect((err!.body as any).error_message).toMatch(/404/);
    expect(rx.received.filter((x) => x.path === "/success")).toHaveLength(1);
  });

  it("applies a step's faults to the live server; a second scenario is refused; stop removes faults at once", async () => {
    const started = await call(`${s.url}/__mockforge/scenarios/outage/run`, { body: {} });
    expect(started.status).toBe(202);
    // The fault window opens as the step starts; wait for it through the faults endpoint.
    for (let i = 0; i < 100 && !(await call(`${s.url}/__mockforge/faults`)).body.active; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await call(`${s.url}/api/orders`, { body: {} })).status).toBe(503);
    expect((await call(`${s.url}/ok`)).status).toBe(200);
    const busy = await call(`${s.url}/__mockforge/scenarios/order_placed_webhook/run`, { body: {} });
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe("MFG_ERR_SCENARIO_BUSY");
    const stopped = await call(`${s.url}/__mockforge/scenarios/stop`, { body: {} });
    expect(stopped.body.stopped.status).toBe("stopped");
    expect((await call(`${s.url}/api/orders`, { body: {} })).status).toBe(201);
  });

  it("an unknown scenario is 404 with the known names", async () => {
    const r = await call(`${s.url}/__mockforge/scenarios/nope/run`, { body: {} });
    expect(r.status).toBe(404);
    expect(JSON.stringify(r.body)).toMatch(/order_placed_webhook/);
  });
});

describe("mockforge scenario run (seed: Example: Order Placement Webhook)", () => {
  const dir = mkdtempSync(join(tmpdir(), "mockforge-scenario-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs in-process on port 0, waits for its deliveries, prints them, exits 0", async () => {
    const rx = await new Receiver().start();
    try {
      const cfg = join(dir, "mockforge.yaml");
      writeFileSync(cfg, seedFixture("02-example-order-placement-webhook.yaml", { receiver: rx.url }));
      const r = await runCli(["scenario", "run", "--config", cfg, "ecommerce_order_flow", "--port", "0", "--var", "order_id=ord_1", "--var", "order_total=59.98", "--var", 'order_items=[{"sku":"a"}]', "--var", "order_status=completed"]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/ecommerce_order_flow: succeeded/);
      expect(r.stdout).toMatch(/order-created: succeeded/);
      expect(r.stdout).toMatch(/order-placed: succeeded/);
      const [order] = await rx.waitForPath("/webhooks/order-created");
      expect(order!.body).toEqual({ event: "order.created", order: { id: "ord_1", total: 59.98, items: [{ sku: "a" }] } });
      const [inv] = await rx.waitForPath("/webhooks/order-placed");
      expect(inv!.body).toEqual({ action: "reserve_stock", order_id: "ord_1", items: [{ sku: "a" }] });
    } finally {
      await rx.stop();
    }
  });

  it("skips the action whose condition is false", async () => {
    const rx = await new Receiver().start();
    try {
      const cfg = join(dir, "mockforge2.yaml");
      writeFileSync(cfg, seedFixture("02-example-order-placement-webhook.yaml", { receiver: rx.url }));
      const r = await runCli(["scenario", "run", "--config", cfg, "ecommerce_order_flow", "--port", "0", "--var", "order_id=ord_2", "--var", "order_status=pending", "--json"]);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.deliveries).toHaveLength(1);
      expect(out.deliveries[0].request.url).toMatch(/order-placed/);
    } finally {
      await rx.stop();
    }
  });
});

describe("Programmatic Access (the seed's Rust snippet, in TypeScript)", () => {
  it("Hook.execute posts the webhook; startServer's journal.waitFor sees it without sleeping", async () => {
    const mock = await startServer({ routes: [{ path: "/orders", method: "POST", response: { status: 200, body: { received: true } } }] });
    try {
      const webhookHook = new Hook({
        name: "order_webhook",
        hookType: HookType.PostStep,
        actions: [HookAction.HttpRequest({ url: `${mock.url}/orders`, method: "POST", body: { event: "order.created", order_id: "ord_123" } })],
        condition: undefined,
      });
      const context = new ExecutionContext();
      const waiting = mock.journal.waitFor({ path: "/orders", where: "body.order_id == 'ord_123'", timeoutMs: 10_000 });
      const result = await webhookHook.execute(context);
      expect(result.status).toBe("fired");
      const [entry] = await waiting;
      expect(entry!.body).toEqual({ event: "order.created", order_id: "ord_123" });
    } finally {
      await closeDefaultHookServices();
      await mock.close();
    }
  });
});
