/**
 * `openapi:` serves OpenAPI 3.0/3.1 specs (docs/openapi.md): operations become routes,
 * callbacks become route webhooks, 3.1 `webhooks` become events that can be triggered.
 * Plain zod, no transforms, so the config normaliser can walk it; operation ids, callback and
 * webhook names are the user's own keys and are kept as written.
 */
import { z } from "zod";
import { retrySchema, signingSchema } from "./webhooks.js";

export const VALIDATION_MODES = ["off", "warn", "enforce"] as const;
export type ValidationMode = (typeof VALIDATION_MODES)[number];

/** Overrides of one callback: what the spec cannot say (when, how often, signed how). */
export const callbackOverrideSchema = z.strictObject({
  delay_ms: z.number().int().min(0).optional().describe("Wait this long before the first attempt"),
  body: z.unknown().optional().describe("Replaces the spec's example/sample; a template over request.* and response.*"),
  headers: z.record(z.string(), z.string()).optional().describe("Extra headers (templates)"),
  condition: z.string().optional().describe("Expression over request.* and response.*; the callback is sent only when true"),
  retry: retrySchema.optional(),
  signing: signingSchema.optional(),
  timeout_ms: z.number().int().min(1).optional(),
});
export type CallbackOverride = z.infer<typeof callbackOverrideSchema>;

/** Defaults for one 3.1 webhook when it is triggered. */
export const webhookOverrideSchema = z.strictObject({
  body: z.unknown().optional().describe("Replaces the spec's example/sample; a template"),
  headers: z.record(z.string(), z.string()).optional(),
  retry: retrySchema.optional(),
  signing: signingSchema.optional(),
  timeout_ms: z.number().int().min(1).optional(),
});
export type WebhookOverride = z.infer<typeof webhookOverrideSchema>;

export const openapiSpecSchema = z.strictObject({
  spec: z.string().min(1).describe("Path of the spec (YAML or JSON), relative to this config file"),
  base_path: z.string().regex(/^(\/.*)?$/, { error: "must be empty or start with `/`, e.g. /v1" }).default("").describe("Prefix of every served path"),
  validation: z.enum(VALIDATION_MODES).default("warn").describe("Request validation: off, warn (journal the result) or enforce (422 problem+json)"),
  lenient: z.boolean().default(false).describe("Serve the sound operations of a spec with problems, and list what was skipped"),
  callbacks: z
    .record(z.string(), z.record(z.string(), callbackOverrideSchema))
    .default({})
    .describe("Overrides by operationId, then callback name"),
  webhooks: z.record(z.string(), webhookOverrideSchema).default({}).describe("Overrides of 3.1 webhooks by name, used when they are triggered"),
});
export type OpenApiSpecConfig = z.infer<typeof openapiSpecSchema>;

export const openapiConfigSchema = z.array(openapiSpecSchema);

/** `routes[].receives`: the route receives this spec's webhook; requests are validated against it and the result journaled. */
export const receivesSchema = z.strictObject({
  spec: z.string().min(1).describe("Spec file, relative to the config file"),
  webhook: z.string().min(1).describe("Name under the spec's top-level `webhooks`"),
});
export type ReceivesConfig = z.infer<typeof receivesSchema>;
