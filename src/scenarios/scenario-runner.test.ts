import { describe, expect, it } from "vitest";
import { scenarioSchema, type ScenarioConfig } from "../config/schema/chaos.js";
import { isMockForgeError } from "../core/errors.js";
import { createMemoryRuns } from "../storage/memory/memory-runs.js";
import { createFaultController } from "./fault-controller.js";
import { createScenarioManager } from "./scenario-manager.js";
import { runScenario } from "./scenario-runner.js";
import { fakeServices } from "./test-support/fake-services.js";
import { seedValue } from "./test-support/seed.js";

function setup() {
  const services = fakeServices();
  const faults = createFaultController({ random: services.random, clock: services.clock });
  const runs = createMemoryRuns();
  return { services, faults, runs, all: { ...services, faults, runs } };
}

const scenario = (s: unknown): ScenarioConfig => scenarioSchema.parse(s);

const checkout = scenario({
  name: "checkout",
  variables: { order_id: "ord_{{variables.suffix}}" },
  hooks: [
    { name: "begin", hook_type: "pre_orchestration", actions: [{ type: "log", message: "start {{variables.order_id}}" }] },
    { name: "end", hook_type: "post_orchestration", actions: [{ type: "http_request", url: "https://hooks.test/done" }] },
  ],
  steps: [
    {
      name: "create_order",
      chaos_config: { errors: { status_codes: [503] }, routes: ["POST /api/orders"] },
      duration_ms: 1000,
      request: { method: "POST", url: "/api/orders", body: { id: "{{variables.order_id}}" }, extract: { server_id: "body.id" } },
      post_hooks: seedValue("10-conditional-webhooks.yaml", "https://hooks.test").post_hooks,
    },
    {
      name: "after",
      pre_hooks: [{ name: "if_failed", condition: { type: "previous_step_failed" }, actions: [{ type: "set_variable", name: "recovered", value: true }] }],
    },
  ],
});

describe("runScenario", () => {
  it("runs hooks and steps in order, with faults live only inside the step's window", async () => {
    const { services, faults, runs, all } = setup();
    const seenFaults: unknown[] = [];
    services.sendHandler = (req) => {
      // The request runs inside the fault window: the server would answer it with the injected 503.
      const d = faults.decide("POST", "/api/orders", "POST /api/orders");
      seenFaults.push(d?.errorStatus);
      return { status: d?.errorStatus ?? 201, body: { id: (req.body as { id: string }).id, error: "injected" } };
    };
    const done = runScenario(checkout, { ...all, variables: { suffix: "42" } });
    await services.clock.advance(1000);
    const report = await done;

    expect(seenFaults).toEqual([503]);
    expect(faults.active).toBe(false);
    expect(services.sent[0]!.request).toMatchObject({ method: "POST", url: "http://127.0.0.1:3999/api/orders", body: { id: "ord_42" } });
    expect(services.sent[0]!.options.traceId).toBe(report.traceId);

    expect(report.status).toBe("failed");
    const [create, after] = report.steps;
    expect(create).toMatchObject({ status: "failed", faults: { errors: { status_codes: [503] } }, faultWindowMs: 1000 });
    expect(create!.request).toMatchObject({ status: 503, ok: false, extracted: { server_id: "ord_42" } });
    expect(create!.hooks.map((h) => [h.name, h.status, h.condition])).toEqual([
      ["success_webhook", "skipped", false],
      ["error_webhook", "fired", true],
    ]);
    expect(after!.hooks[0]).toMatchObject({ name: "if_failed", status: "fired", condition: true, hookType: "pre_step" });
    expect(report.variables).toMatchObject({ order_id: "ord_42", response_status: 503, error_message: "injected", server_id: "ord_42", recovered: true });
    expect(report.hooks.map((h) => h.name)).toEqual(["begin", "end"]);
    expect(report.logs[0]!.message).toBe("start ord_42");
    expect(services.queued.map((c) => c.request.url)).toEqual(["https://hooks.test/error", "https://hooks.test/done"]);
    expect(report.deliveries).toHaveLength(3);

    const stored = await runs.get(report.id);
    expect(stored).toMatchObject({ kind: "scenario", refId: "checkout", status: "failed" });
    expect((stored!.data as { steps: unknown[] }).steps).toHaveLength(2);
  });

  it("records a request target that is down as a failed step with error_message", async () => {
    const { services, all } = setup();
    services.sendHandler = () => ({ status: 0, ok: false, error: { code: "MFG_ERR_DELIVERY_CONNECT", message: "connect ECONNREFUSED 127.0.0.1:1" } });
    const report = await runScenario(
      scenario({ name: "down", steps: [{ name: "s", request: { url: "http://127.0.0.1:1/x" }, post_hooks: [{ name: "p", condition: { type: "previous_step_failed" }, actions: [{ type: "log", message: "{{variables.error_message}}" }] }] }] }),
      all,
    );
    expect(report.steps[0]).toMatchObject({ status: "failed", request: { status: 0, error: { code: "MFG_ERR_DELIVERY_CONNECT" } } });
    expect(report.logs[0]!.message).toBe("connect ECONNREFUSED 127.0.0.1:1");
  });

  it("runs scenario-level pre_step/post_step hooks around every step", async () => {
    const { all } = setup();
    const log = (name: string, hook_type?: "pre_step" | "post_step") => ({ name, ...(hook_type ? { hook_type } : {}), actions: [{ type: "log" as const, message: name }] });
    const report = await runScenario(
      scenario({
        name: "around",
        hooks: [log("every_pre", "pre_step"), log("every_post", "post_step")],
        steps: [{ name: "one", pre_hooks: [log("own_pre")], post_hooks: [log("own_post")] }, { name: "two" }],
      }),
      all,
    );
    expect(report.steps.map((st) => st.hooks.map((h) => `${h.name}:${h.hookType}`))).toEqual([
      ["every_pre:pre_step", "own_pre:pre_step", "own_post:post_step", "every_post:post_step"],
      ["every_pre:pre_step", "every_post:post_step"],
    ]);
    expect(report.status).toBe("succeeded");
  });

  it("refuses an invalid scenario given in code", async () => {
    const { all } = setup();
    await expect(runScenario({ name: "x", steps: [{ name: "a", chaos_config: { latency: { min_ms: 5 } } }] }, all)).rejects.toMatchObject({
      code: "MFG_ERR_CONFIG_INVALID",
    });
  });
});

describe("createScenarioManager", () => {
  const long = scenario({ name: "long", steps: [{ name: "slow", chaos_config: { latency: { fixed_ms: 2000 } }, duration_ms: 60_000 }, { name: "next" }] });

  it("refuses a second start while one runs, and stop removes faults at once", async () => {
    const { services, faults, all } = setup();
    const manager = createScenarioManager([long, checkout], all);
    const first = manager.start("long");
    await services.clock.advance(10);
    expect(faults.decide("GET", "/x", null)).toMatchObject({ latencyMs: 2000 });

    let refused: unknown;
    try {
      manager.start("checkout");
    } catch (e) {
      refused = e;
    }
    expect(isMockForgeError(refused, "MFG_ERR_SCENARIO_BUSY")).toBe(true);
    expect((refused as Error).message).toMatch(/scenario 'long' is running/);

    const stopping = manager.stop();
    expect(faults.active).toBe(false); // at once, before the run notices
    const report = await stopping;
    expect(report).toMatchObject({ id: first.runId, status: "stopped", steps: [{ name: "slow", status: "stopped" }] });
    expect(manager.current()).toBeNull();
    expect(await manager.get(first.runId)).toMatchObject({ status: "stopped" });
    expect(manager.start("long").runId).not.toBe(first.runId);
    await manager.stop();
  });

  it("names the known scenarios for an unknown one and an unknown run id", async () => {
    const { all } = setup();
    const manager = createScenarioManager([long], all);
    expect(() => manager.start("nope")).toThrow(/not in the config/);
    await expect(manager.get("run_x")).rejects.toMatchObject({ code: "MFG_ERR_SCENARIO_RUN_NOT_FOUND" });
  });
});
