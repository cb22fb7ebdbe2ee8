/**
 * Config schema for consistency rules (SPEC §7):
 * `intelligent_behavior.behavior_model.consistency_rules[]`. Only the keys SPEC and the seed use
 * are modelled, strictly. Conditions are compiled and their field names checked when the rule
 * engine is built (`src/rules/compile-rule.ts`), not here: plain zod, no transforms, so the
 * config normaliser can walk it.
 */
import { z } from "zod";
import { outboundCallFields, triggerWebhookFields } from "./webhooks.js";

export const executeChainRuleActionSchema = z.strictObject({
  type: z.literal("execute_chain"),
  chain_id: z.string().min(1),
  /** Passed to the chain as `variables.*`; strings are templates over the exchange (`{{response.body.id}}`). */
  variables: z.record(z.string(), z.unknown()).optional(),
});

/** `http_request` and `webhook` are the same action: a queued outbound call over the exchange. */
export const httpRequestRuleActionSchema = z.strictObject({ type: z.literal("http_request"), ...outboundCallFields });
export const webhookRuleActionSchema = z.strictObject({ type: z.literal("webhook"), ...outboundCallFields });

/** JavaScript run in the sandbox (SPEC §6) with the exchange as `mockforge.request` / `mockforge.response`. */
export const scriptRuleActionSchema = z.strictObject({
  type: z.literal("script"),
  script: z.string().min(1),
  /** Wall-time limit; the scripting default when absent. */
  timeout_ms: z.number().int().min(1).optional(),
});

/** Sends an OpenAPI 3.1 webhook of a loaded spec (`mockforge trigger` as a rule action). */
export const triggerWebhookRuleActionSchema = z.strictObject({ type: z.literal("trigger_webhook"), ...triggerWebhookFields });

export const ruleActionSchema = z.discriminatedUnion("type", [
  executeChainRuleActionSchema,
  httpRequestRuleActionSchema,
  webhookRuleActionSchema,
  scriptRuleActionSchema,
  triggerWebhookRuleActionSchema,
]);
export type RuleActionConfig = z.infer<typeof ruleActionSchema>;
export type RuleActionType = RuleActionConfig["type"];

export const consistencyRuleSchema = z.strictObject({
  name: z.string().min(1),
  /**
   * Expression over the served exchange: `method`, `path`, `status`, `headers`, `query`,
   * `params`, `body` (request), `response.body`, `response.headers`.
   */
  condition: z.string().min(1),
  action: ruleActionSchema,
});
export type ConsistencyRuleConfig = z.infer<typeof consistencyRuleSchema>;

export const behaviorModelSchema = z.strictObject({
  consistency_rules: z.array(consistencyRuleSchema).default([]),
});

/** The config's top-level `intelligent_behavior`. */
export const intelligentBehaviorSchema = z.strictObject({
  behavior_model: behaviorModelSchema.prefault({}),
});
export type IntelligentBehaviorConfig = z.infer<typeof intelligentBehaviorSchema>;
