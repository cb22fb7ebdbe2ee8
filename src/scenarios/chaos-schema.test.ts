import { describe, expect, it } from "vitest";
import { z } from "zod";
import { chaosConfigSchema } from "../config/schema/chaos.js";
import { intelligentBehaviorSchema } from "../config/schema/rules.js";
import { parseWithSchema } from "../config/index.js";
import { seedText } from "./test-support/seed.js";
import { validateChaos } from "./validate-chaos.js";

const doc = z.strictObject({ chaos: chaosConfigSchema.optional(), intelligent_behavior: intelligentBehaviorSchema.optional() });

describe("chaos and rules schemas against the seed", () => {
  it.each(["01-configuration.yaml", "02-example-order-placement-webhook.yaml"])("%s loads and validates as written", (name) => {
    const { data } = parseWithSchema(seedText(name), name, doc);
    expect(data.chaos!.scenarios).toHaveLength(1);
    expect(validateChaos(data.chaos!)).toEqual([]);
  });

  it("01 keeps the seed's hook_type and http_request body", () => {
    const { data } = parseWithSchema(seedText("01-configuration.yaml"), "01", doc);
    const step = data.chaos!.scenarios[0]!.steps[0]!;
    expect(step.chaos_config).toEqual({ enabled: true });
    expect(step.post_hooks[0]).toMatchObject({ hook_type: "post_step", actions: [{ type: "http_request", method: "POST", body: { event: "order.created" } }] });
  });

  it("06 (Method 4) loads as written", () => {
    const { data } = parseWithSchema(seedText("06-method-4-consistency-rules.yaml"), "06", doc);
    expect(data.intelligent_behavior!.behavior_model.consistency_rules.map((r) => r.action)).toEqual([
      { type: "execute_chain", chain_id: "order_webhook_chain" },
      { type: "execute_chain", chain_id: "payment_webhook_chain" },
    ]);
  });

  it("10 (a post_hooks list) loads inside the smallest scenario document, unchanged", () => {
    const fragment = seedText("10-conditional-webhooks.yaml").split("\n").filter((l) => !l.startsWith("#"));
    const wrapped = ["chaos:", "  scenarios:", "    - name: conditional", "      steps:", "        - name: call", ...fragment.map((l) => (l ? `          ${l}` : l))].join("\n");
    const { data } = parseWithSchema(wrapped, "10", doc);
    const hooks = data.chaos!.scenarios[0]!.steps[0]!.post_hooks;
    expect(hooks.map((h) => h.condition)).toEqual([
      { type: "equals", variable: "response_status", value: 200 },
      { type: "greater_than_or_equal", variable: "response_status", value: 400 },
    ]);
    expect(validateChaos(data.chaos!)).toEqual([]);
  });

  it("accepts camelCase keys", () => {
    const text = `
chaos:
  chaosConfig: { latency: { minMs: 10, maxMs: 20 } }
  scenarios:
    - name: s
      hooks: [{ name: h, hookType: pre_orchestration, actions: [{ type: execute_chain, chainId: c }] }]
      steps:
        - name: a
          durationMs: 100
          preHooks: [{ name: p, actions: [{ type: wait, durationMs: 5 }] }]
          chaosConfig: { errors: { statusCodes: [500], probability: 0.5 } }
intelligentBehavior:
  behaviorModel:
    consistencyRules: [{ name: r, condition: "status == 201", action: { type: webhook, url: "http://127.0.0.1:1/x", timeoutMs: 100 } }]
`;
    const { data } = parseWithSchema(text, "camel.yaml", doc);
    expect(data.chaos!.chaos_config!.latency).toEqual({ min_ms: 10, max_ms: 20, probability: 1 });
    expect(data.chaos!.scenarios[0]!.steps[0]).toMatchObject({ duration_ms: 100, chaos_config: { errors: { status_codes: [500] } } });
    expect(data.intelligent_behavior!.behavior_model.consistency_rules[0]!.action).toMatchObject({ type: "webhook", timeout_ms: 100, method: "POST" });
  });

  it("reports an unknown key with the nearest known one", () => {
    const text = "chaos:\n  scenarios:\n    - name: s\n      steps:\n        - name: a\n          post_hook: []\n";
    expect(() => parseWithSchema(text, "bad.yaml", doc)).toThrow(/post_hooks/);
  });
});

describe("validateChaos", () => {
  it("collects every semantic problem with its path", () => {
    const chaos = chaosConfigSchema.parse({
      chaos_config: { latency: { fixed_ms: 5, max_ms: 9 } },
      scenarios: [
        {
          name: "s",
          hooks: [{ name: "no_type", actions: [{ type: "log", message: "x" }] }],
          steps: [
            { name: "a", chaos_config: { latency: { min_ms: 9, max_ms: 1 } }, post_hooks: [{ name: "wrong", hook_type: "pre_step", actions: [{ type: "log", message: "{{ variables. }}" }] }] },
            { name: "a", pre_hooks: [{ name: "m", condition: { type: "not", condition: { type: "matches", variable: "x", pattern: "(" } }, actions: [{ type: "wait", duration_ms: 1 }] }] },
            { name: "b", pre_hooks: [{ name: "e", condition: "status ==", actions: [{ type: "wait", duration_ms: 1 }] }] },
          ],
        },
        { name: "s", steps: [{ name: "x" }] },
      ],
    });
    const issues = validateChaos(chaos);
    expect(issues.map((i) => [i.path.join("."), i.code])).toEqual([
      ["chaos_config.latency", "MFG_ERR_CONFIG_INVALID"],
      ["scenarios.0.hooks.0", "MFG_ERR_CONFIG_INVALID"],
      ["scenarios.0.steps.0.chaos_config.latency", "MFG_ERR_CONFIG_INVALID"],
      ["scenarios.0.steps.0.post_hooks.0.hook_type", "MFG_ERR_CONFIG_INVALID"],
      ["scenarios.0.steps.0.post_hooks.0.actions.0", "MFG_ERR_TEMPLATE_SYNTAX"],
      ["scenarios.0.steps.1.name", "MFG_ERR_CONFIG_INVALID"],
      ["scenarios.0.steps.1.pre_hooks.0.condition.condition", "MFG_ERR_CONFIG_INVALID"],
      ["scenarios.0.steps.2.pre_hooks.0.condition", "MFG_ERR_EXPR_SYNTAX"],
      ["scenarios.1.name", "MFG_ERR_CONFIG_INVALID"],
    ]);
    expect(issues[1]!.hint).toMatch(/pre_orchestration/);
  });
});
