/**
 * The seed's Method 1, Order Placement and Conditional Webhooks examples, and its programmatic
 * snippet, run for real: the real delivery engine over memory storage, a real node:http
 * receiver on 127.0.0.1 standing in for every `*.example.com` host.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { parseWithSchema } from "../config/index.js";
import { chaosConfigSchema } from "../config/schema/chaos.js";
import { systemClock } from "../core/clock.js";
import { memoryLogger } from "../core/logger.js";
import { systemRandom } from "../core/random.js";
import { startReceiver } from "../delivery/test-support/receiver.js";
import { useLiveDelivery } from "../delivery/test-support/live-delivery.js";
import { ExecutionContext } from "./execution-context.js";
import { createFaultController } from "./fault-controller.js";
import { Hook as BoundHook, HookAction, HookType } from "./hook.js";
import { closeDefaultHookServices, defaultHookServices, Hook } from "../standalone-hooks.js";
import { runScenario, type ScenarioServices } from "./scenario-runner.js";
import { seedText } from "./test-support/seed.js";

const doc = z.strictObject({ chaos: chaosConfigSchema });

const live = useLiveDelivery({
  maxAttempts: 1,
  handler: (req, res) => {
    const status = req.url.startsWith("/api/missing") ? 404 : 200;
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(status === 404 ? { message: "order not found" } : { ok: true }));
  },
});
let services: ScenarioServices;

beforeAll(() => {
  services = {
    deliveries: live.engine,
    faults: createFaultController({ random: systemRandom, clock: systemClock }),
    runs: live.storage.runs,
    clock: systemClock,
    random: systemRandom,
    logger: memoryLogger(),
    env: {},
    baseUrl: live.receiver.url,
  };
});

afterEach(() => {
  live.receiver.received.length = 0;
});

afterAll(async () => {
  await closeDefaultHookServices();
});

const scenarioFrom = (file: string) => parseWithSchema(seedText(file, live.receiver.url), file, doc).data.chaos.scenarios[0]!;
const json = (i: number) => JSON.parse(live.receiver.received[i]!.body) as Record<string, unknown>;

describe("seed: Method 1 (chaos orchestration hooks)", () => {
  it("POSTs the order.created webhook after the step", async () => {
    const report = await runScenario(scenarioFrom("01-configuration.yaml"), { ...services, variables: { order_id: "ord_123" } });
    await live.receiver.waitForCount(1);
    expect(live.receiver.received[0]).toMatchObject({ method: "POST", url: "/orders/created" });
    expect(json(0)).toEqual({ event: "order.created", order_id: "ord_123", timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) });
    expect(live.receiver.received[0]!.headers["x-mockforge-trace"]).toMatch(new RegExp(`^${report.traceId};depth=1$`));
    expect(report).toMatchObject({ status: "succeeded", steps: [{ name: "create_order", status: "succeeded", faults: null, hooks: [{ name: "notify_webhook", status: "fired" }] }] });
    const [delivery] = await live.engine.waitFor({ url: "/orders/created" }, 1, 5000);
    expect(delivery).toMatchObject({ id: report.deliveries[0], status: "succeeded", sourceKind: "hook", sourceId: "notify_webhook" });
  });
});

describe("seed: Example: Order Placement Webhook", () => {
  it("sends both webhooks when order_status is completed, with the items array kept as an array", async () => {
    const report = await runScenario(scenarioFrom("02-example-order-placement-webhook.yaml"), {
      ...services,
      variables: { order_id: "ord_9", order_total: 59.98, order_items: [{ product_id: "prod_456", quantity: 2 }], order_status: "completed" },
    });
    await live.receiver.waitForCount(2);
    const byUrl = Object.fromEntries(live.receiver.received.map((r) => [r.url, JSON.parse(r.body)]));
    expect(byUrl["/webhooks/order-created"]).toEqual({ event: "order.created", order: { id: "ord_9", total: 59.98, items: [{ product_id: "prod_456", quantity: 2 }] } });
    expect(byUrl["/webhooks/order-placed"]).toEqual({ action: "reserve_stock", order_id: "ord_9", items: [{ product_id: "prod_456", quantity: 2 }] });
    expect(report.steps[0]!.hooks.map((h) => h.actions[0]!.condition)).toEqual([true, null]);
  });

  it("skips the order webhook (condition on its action) when order_status is not completed", async () => {
    const report = await runScenario(scenarioFrom("02-example-order-placement-webhook.yaml"), { ...services, variables: { order_id: "ord_10", order_items: [] } });
    await live.engine.waitFor({ url: "/webhooks/order-placed" }, 1, 5000);
    await live.engine.drain(5000);
    expect(live.receiver.received.map((r) => r.url)).toEqual(["/webhooks/order-placed"]);
    expect(report.steps[0]!.hooks[0]!.actions[0]).toMatchObject({ status: "skipped", condition: false });
    expect(report.warnings).toEqual(["hook 'send_order_webhook': condition 'equals' names variable 'order_status', which is not set: evaluated as false"]);
  });
});

describe("seed: Conditional Webhooks", () => {
  // The fragment (a post_hooks list) wrapped, unchanged, in the smallest scenario whose step makes a request.
  const wrapped = (target: string) => {
    const fragment = seedText("10-conditional-webhooks.yaml", live.receiver.url).split("\n").filter((l) => !l.startsWith("#"));
    const head = ["chaos:", "  scenarios:", "    - name: conditional", "      steps:", "        - name: call", "          request:", `            url: "${target}"`];
    return parseWithSchema([...head, ...fragment.map((l) => (l ? `          ${l}` : l))].join("\n"), "10", doc).data.chaos.scenarios[0]!;
  };

  it("fires success_webhook for a 200", async () => {
    const report = await runScenario(wrapped("/api/orders/1"), services);
    await live.receiver.waitForCount(2);
    expect(live.receiver.received.map((r) => r.url)).toEqual(["/api/orders/1", "/success"]);
    expect(report.steps[0]!.hooks.map((h) => [h.name, h.status])).toEqual([["success_webhook", "fired"], ["error_webhook", "skipped"]]);
  });

  it("fires error_webhook for a 404 with the status and the answer's message", async () => {
    const report = await runScenario(wrapped("/api/missing/1"), services);
    await live.receiver.waitForCount(2);
    expect(live.receiver.received[1]!.url).toBe("/error");
    expect(json(1)).toEqual({ error_code: 404, error_message: "order not found" });
    expect(report).toMatchObject({ status: "failed", steps: [{ status: "failed", request: { status: 404 } }] });
  });

  it("records a request target that is down", async () => {
    const down = await startReceiver();
    const url = `${down.url}/api/orders`;
    await down.close();
    const report = await runScenario(wrapped(url), services);
    expect(report.steps[0]!.request).toMatchObject({ status: 0, ok: false, error: { code: expect.stringMatching(/^MFG_ERR_DELIVERY/) } });
    expect(report.variables.error_message).toBeTruthy();
    expect(report.steps[0]!.hooks.map((h) => h.status)).toEqual(["skipped", "skipped"]);
  });
});

describe("seed: Programmatic Access", () => {
  it("await hook.execute(context) delivers with no server, through the standalone live.engine", async () => {
    const webhookHook = new Hook({
      name: "order_webhook",
      hookType: HookType.PostStep,
      actions: [HookAction.HttpRequest({ url: `${live.receiver.url}/orders`, method: "POST", body: { event: "order.created", order_id: "ord_123" } })],
      condition: null,
    });
    const context = new ExecutionContext();
    const result = await webhookHook.execute(context);
    expect(result).toMatchObject({ name: "order_webhook", hookType: "post_step", status: "fired" });
    await live.receiver.waitForCount(1);
    expect(json(0)).toEqual({ event: "order.created", order_id: "ord_123" });
    const { deliveries } = await defaultHookServices();
    const [d] = await deliveries.waitFor({ url: "/orders" }, 1, 5000);
    expect(context.deliveries).toEqual([d!.id]);
  });

  it("with no server, a hook reads only the environment variables its definition names (issue 14, finding 5)", async () => {
    process.env.MF_HOOK_TOKEN = "ht";
    process.env.MF_HOOK_OTHER = "not-for-hooks";
    try {
      const hook = new Hook({ name: "env", actions: [HookAction.HttpRequest({ url: `${live.receiver.url}/env`, method: "POST", body: { token: "{{env.MF_HOOK_TOKEN}}", whole: "{{env}}" } })] });
      await hook.execute(new ExecutionContext());
      await live.receiver.waitForCount(1);
      expect(json(0)).toEqual({ token: "ht", whole: { MF_HOOK_TOKEN: "ht" } });
    } finally {
      delete process.env.MF_HOOK_TOKEN;
      delete process.env.MF_HOOK_OTHER;
    }
  });

  it("uses the context's services when it carries them", async () => {
    const hook = new Hook({ name: "h", actions: [{ type: "http_request", url: "/bound", method: "PUT" }] });
    await hook.execute(new ExecutionContext({ services }));
    await live.receiver.waitForCount(1);
    expect(live.receiver.received[0]).toMatchObject({ method: "PUT", url: "/bound" });
  });

  it("scenarios/ alone has no fallback engine: a hook without services refuses with a code", async () => {
    const hook = new BoundHook({ name: "h", actions: [{ type: "http_request", url: "/nowhere", method: "PUT" }] });
    await expect(hook.execute(new ExecutionContext())).rejects.toMatchObject({ code: "MFG_ERR_BAD_REQUEST" });
  });

  it("refuses a malformed hook at construction", () => {
    expect(() => new Hook({ name: "h", actions: [{ type: "http_request" } as never] })).toThrow(/actions\[0\]\.url/);
  });
});
