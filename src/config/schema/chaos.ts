/**
 * Config schemas for chaos orchestration (SPEC §5): `chaos.scenarios[]` with steps, hooks, hook
 * actions and typed conditions, and `chaos_config` fault blocks (on a step, a route, or always-on
 * under `chaos`). Plain zod with no transforms so the config normaliser can walk it; semantic
 * checks (latency form, unique names, hook types vs the list holding them, regex syntax) live in
 * `src/scenarios/validate-chaos.ts`. Recursion (`and`/`or`/`not`) uses zod 4 getters, which are
 * lazy like `z.lazy` but keep `z.infer` exact.
 */
import { z } from "zod";
import { outboundCallFields, retrySchema, triggerWebhookFields } from "./webhooks.js";

const probabilitySchema = z.number().min(0).max(1).default(1).describe("Share of requests affected, 0–1 (default 1: all)");

/** Added latency: `fixed_ms`, or a uniform pick in `min_ms`..`max_ms`. */
export const latencyFaultSchema = z.strictObject({
  fixed_ms: z.number().int().min(0).optional(),
  min_ms: z.number().int().min(0).optional(),
  max_ms: z.number().int().min(0).optional(),
  probability: probabilitySchema,
});
export type LatencyFaultConfig = z.infer<typeof latencyFaultSchema>;

/** Error injection: the response is replaced by one of `status_codes` (picked uniformly). */
export const errorFaultSchema = z.strictObject({
  status_codes: z.array(z.number().int().min(100).max(599)).min(1),
  probability: probabilitySchema,
});
export type ErrorFaultConfig = z.infer<typeof errorFaultSchema>;

/** Connection drop: the socket is reset instead of answered. */
export const dropFaultSchema = z.strictObject({
  probability: probabilitySchema,
});
export type DropFaultConfig = z.infer<typeof dropFaultSchema>;

/**
 * A `chaos_config` block: faults the live server applies to requests. `routes` limits them to
 * route ids (`POST /api/orders`, or a route's `id`) or path patterns (`/api/*`, `/api/**`,
 * `/orders/:id`, optionally prefixed by a method: `GET /api/*`); without it every mocked route.
 */
export const faultConfigSchema = z.strictObject({
  enabled: z.boolean().default(true).describe("false keeps the block but applies nothing"),
  latency: latencyFaultSchema.optional(),
  errors: errorFaultSchema.optional(),
  drop: dropFaultSchema.optional(),
  routes: z.array(z.string().min(1)).min(1).optional(),
});
export type FaultConfig = z.infer<typeof faultConfigSchema>;
/** A `chaos_config` block as written (defaults not yet applied), for code that builds one by hand. */
export type FaultConfigInput = z.input<typeof faultConfigSchema>;

/** A JSON scalar a typed condition compares against. */
const scalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** `variable` names a scenario variable (`order_status`) or a context path (`steps.create_order.status`). */
const variableSchema = z.string().min(1);

function comparison<T extends string>(type: T) {
  return z.strictObject({ type: z.literal(type), variable: variableSchema, value: scalarSchema });
}

const andConditionSchema = z.strictObject({
  type: z.literal("and"),
  get conditions() {
    return z.array(typedConditionSchema).min(1);
  },
});
const orConditionSchema = z.strictObject({
  type: z.literal("or"),
  get conditions() {
    return z.array(typedConditionSchema).min(1);
  },
});
const notConditionSchema = z.strictObject({
  type: z.literal("not"),
  get condition() {
    return typedConditionSchema;
  },
});

/** The typed conditions of SPEC §5, discriminated by `type`. */
export const typedConditionSchema = z.discriminatedUnion("type", [
  comparison("equals"),
  comparison("not_equals"),
  comparison("greater_than"),
  comparison("greater_than_or_equal"),
  comparison("less_than"),
  comparison("less_than_or_equal"),
  z.strictObject({ type: z.literal("exists"), variable: variableSchema }),
  z.strictObject({ type: z.literal("contains"), variable: variableSchema, value: scalarSchema }),
  z.strictObject({
    type: z.literal("matches"),
    variable: variableSchema,
    /** The regular expression; `pattern` and `value` are synonyms (give one). */
    value: z.string().optional(),
    pattern: z.string().optional(),
  }),
  andConditionSchema,
  orConditionSchema,
  notConditionSchema,
  z.strictObject({ type: z.literal("previous_step_succeeded") }),
  z.strictObject({ type: z.literal("previous_step_failed") }),
]);
export type TypedCondition = z.infer<typeof typedConditionSchema>;
export type TypedConditionType = TypedCondition["type"];

/** A hook or action condition: a typed condition, or an expression string (SPEC §8). */
export const hookConditionSchema = z.union([z.string().min(1), typedConditionSchema]);
export type HookCondition = z.infer<typeof hookConditionSchema>;
export type HookConditionInput = z.input<typeof hookConditionSchema>;

/** Queued outbound call (SPEC §3); every string in it is a template. */
export const httpRequestActionSchema = z.strictObject({
  type: z.literal("http_request"),
  ...outboundCallFields,
  condition: hookConditionSchema.optional(),
});

export const setVariableActionSchema = z.strictObject({
  type: z.literal("set_variable"),
  name: z.string().min(1),
  /** Any value; strings are templates (a lone `{{ expr }}` keeps the value's type). */
  value: z.unknown(),
  condition: hookConditionSchema.optional(),
});

export const logActionSchema = z.strictObject({
  type: z.literal("log"),
  message: z.string(),
  level: z.enum(["debug", "info", "warn", "error"]).default("info"),
  condition: hookConditionSchema.optional(),
});

export const executeChainActionSchema = z.strictObject({
  type: z.literal("execute_chain"),
  chain_id: z.string().min(1),
  /** Passed to the chain as `variables.*` (values are templates). */
  variables: z.record(z.string(), z.unknown()).optional(),
  condition: hookConditionSchema.optional(),
});

export const waitActionSchema = z.strictObject({
  type: z.literal("wait"),
  duration_ms: z.number().int().min(0),
  condition: hookConditionSchema.optional(),
});

/** Sends an OpenAPI 3.1 webhook of a loaded spec (`mockforge trigger` as a hook action). */
export const triggerWebhookActionSchema = z.strictObject({
  type: z.literal("trigger_webhook"),
  ...triggerWebhookFields,
  condition: hookConditionSchema.optional(),
});

/** One hook action, discriminated by `type`; each may carry its own `condition`. */
export const hookActionSchema = z.discriminatedUnion("type", [
  httpRequestActionSchema,
  setVariableActionSchema,
  logActionSchema,
  executeChainActionSchema,
  waitActionSchema,
  triggerWebhookActionSchema,
]);
export type HookActionConfig = z.infer<typeof hookActionSchema>;
export type HookActionType = HookActionConfig["type"];

export const HOOK_TYPES = ["pre_step", "post_step", "pre_orchestration", "post_orchestration"] as const;
export const hookTypeSchema = z.enum(HOOK_TYPES);
export type HookTypeName = z.infer<typeof hookTypeSchema>;

/** A hook: `hook_type` defaults from the list that holds it (`post_hooks` → `post_step`). */
export const hookSchema = z.strictObject({
  name: z.string().min(1),
  hook_type: hookTypeSchema.optional(),
  condition: hookConditionSchema.optional(),
  actions: z.array(hookActionSchema).min(1),
});
export type HookConfig = z.infer<typeof hookSchema>;

/** The HTTP call a step makes; its status and extracts become variables (`response_status`). */
export const stepRequestSchema = z.strictObject({
  method: z.string().min(1).default("GET"),
  /** Absolute, or a path (`/api/orders`) resolved against the server's base URL. */
  url: z.string().min(1),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
  /** Name → path into the response (`body.id`, `status`, `headers.location`), set as variables. */
  extract: z.record(z.string(), z.string()).optional(),
  retry: retrySchema.optional(),
  timeout_ms: z.number().int().min(1).optional(),
  /** Statuses that count as success; without it any 2xx/3xx does. */
  expected_status: z.union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)]).optional(),
});
export type StepRequestConfig = z.infer<typeof stepRequestSchema>;

export const scenarioStepSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  request: stepRequestSchema.optional(),
  /** Faults applied to the live server from the step's start for `duration_ms` (or for its request). */
  chaos_config: faultConfigSchema.optional(),
  /** How long the step lasts (its fault window); its request is sent inside it. */
  duration_ms: z.number().int().min(0).optional(),
  pre_hooks: z.array(hookSchema).default([]),
  post_hooks: z.array(hookSchema).default([]),
});
export type ScenarioStepConfig = z.infer<typeof scenarioStepSchema>;

export const scenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  /** Defaults for `variables.*`; a run's variables override them. String values are templates. */
  variables: z.record(z.string(), z.unknown()).optional(),
  steps: z.array(scenarioStepSchema).min(1),
  /** Scenario-level hooks; `hook_type` is required here (orchestration ones run once, step ones around every step). */
  hooks: z.array(hookSchema).default([]),
});
export type ScenarioConfig = z.infer<typeof scenarioSchema>;

/** The config's top-level `chaos`. */
export const chaosConfigSchema = z.strictObject({
  /** Always-on faults, applied while the server runs (scenarios add theirs on top). */
  chaos_config: faultConfigSchema.optional(),
  scenarios: z.array(scenarioSchema).default([]),
});
export type ChaosConfig = z.infer<typeof chaosConfigSchema>;
