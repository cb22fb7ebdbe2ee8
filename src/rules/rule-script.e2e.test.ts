/**
 * A `script` rule action in the real sandbox: the script sees the exchange as
 * `mockforge.request`/`mockforge.response`, its `mockforge.http.post` goes through the real
 * delivery engine to a real receiver, and a script that throws is recorded with its line.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { consistencyRuleSchema } from "../config/schema/rules.js";
import { systemClock } from "../core/clock.js";
import { memoryLogger } from "../core/logger.js";
import { systemRandom } from "../core/random.js";
import { useLiveDelivery } from "../delivery/test-support/live-delivery.js";
import { ScriptRuntime, loadScriptSyntaxChecker } from "../scripting/index.js";
import { createRuleEngine, type RuleEngine } from "./rule-engine.js";
import type { RuleRun } from "./rule-run.js";
import { exchange } from "./test-support/rule-fakes.js";

// These checks run synchronously here, with no entry point that loads QuickJS first.
await loadScriptSyntaxChecker();

const live = useLiveDelivery();
let scripts: ScriptRuntime;
let rules: RuleEngine;

beforeAll(async () => {
  scripts = new ScriptRuntime({ clock: systemClock, poolSize: 1 });
  rules = createRuleEngine(
    [
      consistencyRuleSchema.parse({
        name: "notify_big_orders",
        condition: "response.body.total > 100",
        action: {
          type: "script",
          script: [
            "const r = await mockforge.http.post(mockforge.env.HOOK_URL, { order: mockforge.response.body.id, customer: mockforge.request.body.customer_id });",
            "console.log('notified', r.status);",
            "return r.status;",
          ].join("\n"),
        },
      }),
      consistencyRuleSchema.parse({ name: "broken", condition: "path == '/api/broken'", action: { type: "script", script: "const a = 1;\nthrow new Error('boom');" } }),
    ],
    { deliveries: live.engine, scripts, runs: live.storage.runs, clock: systemClock, random: systemRandom, logger: memoryLogger(), env: {}, scriptEnv: { HOOK_URL: `${live.receiver.url}/big` } },
  );
});

afterAll(async () => {
  await rules.close();
  await scripts.close();
});

it("runs the script with the exchange and records its call and logs", async () => {
  rules.evaluate(exchange());
  await live.receiver.waitForCount(1);
  expect(await rules.drain(10_000)).toBe(true);
  expect(JSON.parse(live.receiver.received[0]!.body)).toEqual({ order: "ord_1", customer: "cust_1" });
  const [run] = (await live.storage.runs.list({ kind: "rule", refId: "notify_big_orders" })).map((r) => r.data as RuleRun);
  expect(run).toMatchObject({ status: "succeeded", script: { returnValue: 200, logs: [{ message: "notified 200" }] } });
  expect(run!.script!.deliveries).toHaveLength(1);
});

it("records a script that throws, with its line", async () => {
  rules.evaluate(exchange({ path: "/api/broken", response: { status: 201, headers: {}, body: {} } }));
  expect(await rules.drain(10_000)).toBe(true);
  const [run] = (await live.storage.runs.list({ kind: "rule", refId: "broken" })).map((r) => r.data as RuleRun);
  expect(run).toMatchObject({ status: "failed", error: { code: "MFG_ERR_SCRIPT_RUNTIME" } });
  expect(run!.reason).toMatch(/boom/);
  expect(run!.reason).toMatch(/line 2/);
});
