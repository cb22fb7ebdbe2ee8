import { describe, expect, it } from "vitest";
import { hookSchema, type HookConfig } from "../config/schema/chaos.js";
import { ExecutionContext } from "./execution-context.js";
import { runHook } from "./hook-runner.js";
import { fakeChains, fakeServices } from "./test-support/fake-services.js";
import { seedValue } from "./test-support/seed.js";

const hook = (h: unknown): HookConfig => hookSchema.parse(h);
const conditional = () => (seedValue("10-conditional-webhooks.yaml", "http://127.0.0.1:4000").post_hooks as unknown[]).map(hook);

describe("runHook: the seed's Conditional Webhooks", () => {
  it("fires success_webhook for response_status 200 and skips error_webhook", async () => {
    const services = fakeServices();
    const ctx = new ExecutionContext({ variables: { response_status: 200 } });
    const [success, error] = conditional();
    const r1 = await runHook(success!, ctx, services, { hookType: "post_step", step: "s" });
    const r2 = await runHook(error!, ctx, services, { hookType: "post_step", step: "s" });
    expect(r1).toMatchObject({ status: "fired", condition: true, actions: [{ status: "fired", deliveryId: "dlv_1" }] });
    expect(r2).toMatchObject({ status: "skipped", condition: false, actions: [] });
    expect(services.queued).toHaveLength(1);
    expect(services.queued[0]!.request).toMatchObject({ method: "POST", url: "http://127.0.0.1:4000/success" });
    expect(services.queued[0]!.options.source).toEqual({ kind: "hook", id: "success_webhook" });
    expect(ctx.deliveries).toEqual(["dlv_1"]);
  });

  it("fires error_webhook for 404 with the status and message in its body", async () => {
    const services = fakeServices();
    const ctx = new ExecutionContext({ variables: { response_status: "404", error_message: "order not found" } });
    const results = [];
    for (const h of conditional()) results.push(await runHook(h, ctx, services, { hookType: "post_step" }));
    expect(results.map((r) => [r.name, r.status, r.condition])).toEqual([
      ["success_webhook", "skipped", false],
      ["error_webhook", "fired", true],
    ]);
    expect(services.queued[0]!.request).toEqual({
      method: "POST",
      url: "http://127.0.0.1:4000/error",
      headers: { "content-type": "application/json" },
      body: { error_code: "404", error_message: "order not found" },
    });
  });
});

describe("runHook: actions", () => {
  it("skips an action whose own condition names a missing variable, with a warning (seed: Order Placement)", async () => {
    const services = fakeServices();
    const flow = seedValue("02-example-order-placement-webhook.yaml", "http://127.0.0.1:4000") as {
      chaos: { scenarios: { steps: { post_hooks: unknown[] }[] }[] };
    };
    const [orderHook, inventoryHook] = flow.chaos.scenarios[0]!.steps[0]!.post_hooks.map(hook);
    const ctx = new ExecutionContext({ variables: { order_id: "ord_1", order_items: [{ sku: "a" }] } });
    const r1 = await runHook(orderHook!, ctx, services, { hookType: "post_step" });
    const r2 = await runHook(inventoryHook!, ctx, services, { hookType: "post_step" });
    expect(r1.actions).toMatchObject([{ status: "skipped", condition: false }]);
    expect(r1.warnings[0]).toMatch(/order_status.*not set/);
    expect(r2.actions).toMatchObject([{ status: "fired", condition: null }]);
    expect(services.queued[0]!.request.body).toEqual({ action: "reserve_stock", order_id: "ord_1", items: [{ sku: "a" }] });
  });

  it("runs set_variable, log and wait in order", async () => {
    const services = fakeServices();
    const ctx = new ExecutionContext({ variables: { n: 2 } });
    const h = hook({
      name: "h",
      actions: [
        { type: "set_variable", name: "total", value: "{{variables.n * 10}}" },
        { type: "log", message: "total is {{variables.total}}", level: "warn" },
        { type: "wait", duration_ms: 500 },
        { type: "set_variable", name: "after", value: true },
      ],
    });
    const done = runHook(h, ctx, services, { hookType: "pre_step" });
    await services.clock.advance(500);
    const r = await done;
    expect(r.status).toBe("fired");
    expect(ctx.variables).toEqual({ n: 2, total: 20, after: true });
    expect(ctx.logs).toMatchObject([{ level: "warn", message: "total is 20", hook: "h" }]);
    expect(r.actions.map((a) => a.detail)).toEqual(["total = 20", "total is 20", "waited 500 ms", "after = true"]);
  });

  it("sends a JSON-string body as written, with inserted values escaped as JSON, and renders env and now", async () => {
    const services = fakeServices();
    const ctx = new ExecutionContext({ variables: { id: 'a"b' } });
    await runHook(
      hook({
        name: "h",
        actions: [{ type: "http_request", url: "/hooks", headers: { authorization: "Bearer {{env.WEBHOOK_TOKEN}}" }, body: '{"id": "{{variables.id}}", "at": "{{now}}"}' }],
      }),
      ctx,
      services,
      { hookType: "post_step" },
    );
    expect(services.queued[0]!.request).toEqual({
      method: "POST",
      url: "http://127.0.0.1:3999/hooks",
      headers: { authorization: "Bearer tok_1", "content-type": "application/json" },
      body: '{"id": "a\\"b", "at": "2026-11-29T08:00:00.000Z"}',
    });
  });

  it("records a malformed URL as a failed action and goes on", async () => {
    const services = fakeServices();
    const ctx = new ExecutionContext();
    const r = await runHook(
      hook({ name: "bad", actions: [{ type: "http_request", url: "not a url" }, { type: "set_variable", name: "x", value: 1 }] }),
      ctx,
      services,
      { hookType: "post_step" },
    );
    expect(r.status).toBe("failed");
    expect(r.actions[0]).toMatchObject({ status: "failed", error: { code: "MFG_ERR_DELIVERY_INVALID_URL" } });
    expect(r.actions[1]).toMatchObject({ status: "fired" });
    expect(services.queued).toHaveLength(0);
  });

  it("records an engine that refuses as a failed action", async () => {
    const services = fakeServices();
    services.deliveries.enqueue = async () => {
      throw new Error("outbox full");
    };
    const r = await runHook(hook({ name: "h", actions: [{ type: "http_request", url: "http://127.0.0.1:1/x" }] }), new ExecutionContext(), services, { hookType: "post_step" });
    expect(r.actions[0]).toMatchObject({ status: "failed", error: { message: "outbox full" } });
  });

  it("runs chains through the injected runner, with the context's trace", async () => {
    const chains = fakeChains({ ok_chain: "succeeded", bad_chain: "failed" });
    const services = fakeServices({ chains });
    const ctx = new ExecutionContext({ variables: { id: 7 }, traceId: "trc_1" });
    const r = await runHook(
      hook({
        name: "h",
        actions: [
          { type: "execute_chain", chain_id: "ok_chain", variables: { order_id: "{{variables.id}}" } },
          { type: "execute_chain", chain_id: "bad_chain" },
          { type: "execute_chain", chain_id: "nope" },
        ],
      }),
      ctx,
      services,
      { hookType: "post_step" },
    );
    expect(r.actions).toMatchObject([
      { status: "fired", chainRunId: "run_1", chainStatus: "succeeded" },
      { status: "failed", chainRunId: "run_2", chainStatus: "failed" },
      { status: "failed", error: { code: "MFG_ERR_CHAIN_NOT_FOUND" } },
    ]);
    expect(chains.calls[0]).toEqual({ chainId: "ok_chain", variables: { order_id: 7 }, traceId: "trc_1" });
  });

  it("fails execute_chain with a reason when no chain runner is bound", async () => {
    const r = await runHook(hook({ name: "h", actions: [{ type: "execute_chain", chain_id: "c" }] }), new ExecutionContext(), fakeServices(), { hookType: "post_step" });
    expect(r.actions[0]!.error!.message).toMatch(/no chains are loaded/);
  });

  it("decides expression-string conditions; one that cannot be evaluated is false with a warning", async () => {
    const services = fakeServices();
    const ctx = new ExecutionContext({ variables: { response_status: 503 } });
    const yes = await runHook(hook({ name: "a", condition: "variables.response_status >= 500", actions: [{ type: "log", message: "x" }] }), ctx, services, { hookType: "post_step" });
    const no = await runHook(hook({ name: "b", condition: "missing_root == 1", actions: [{ type: "log", message: "x" }] }), ctx, services, { hookType: "post_step" });
    expect([yes.condition, no.condition]).toEqual([true, false]);
    expect(no.warnings[0]).toMatch(/missing_root/);
  });

  it("skips remaining actions once the context is aborted", async () => {
    const services = fakeServices();
    const controller = new AbortController();
    const ctx = new ExecutionContext({ signal: controller.signal });
    const done = runHook(hook({ name: "h", actions: [{ type: "wait", duration_ms: 10_000 }, { type: "log", message: "late" }] }), ctx, services, { hookType: "post_step" });
    await services.clock.advance(10);
    controller.abort(new Error("stop"));
    const r = await done;
    expect(r.actions.map((a) => [a.status, a.detail])).toEqual([
      ["skipped", "stopped while waiting 10000 ms"],
      ["skipped", "run stopped"],
    ]);
    expect(ctx.logs).toEqual([]);
  });
});
