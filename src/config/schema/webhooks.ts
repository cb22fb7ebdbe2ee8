/**
 * Config schemas for outbound webhooks (SPEC §3): the top-level `webhooks` defaults and the
 * `routes[].webhooks[]` entries. Plain zod objects with no transforms so the config normaliser
 * can walk them; semantic checks (a signing block needs a secret) live in `validateSigning` (signing.ts).
 */
import { z } from "zod";
import { signingSchema } from "./signing.js";

// Signing lives in its own file (one branch per scheme); re-exported for existing importers.
export { signingSchema, validateSigning, type SigningConfig } from "./signing.js";

/**
 * Retry policy as users write it. The seed's `{max_attempts: 3, delay_seconds: 5,
 * exponential_backoff: true}` is valid as written; `initial_delay_ms` is the finer-grained
 * alternative to `delay_seconds` (when both are given, `initial_delay_ms` wins).
 */
export const retrySchema = z.strictObject({
  max_attempts: z.number().int().min(1).max(100).optional(),
  delay_seconds: z.number().min(0).optional(),
  initial_delay_ms: z.number().int().min(0).optional(),
  exponential_backoff: z.boolean().optional(),
  max_delay_seconds: z.number().min(0).optional(),
  jitter: z.boolean().optional(),
});
export type RetryConfig = z.infer<typeof retrySchema>;

/** Top-level `webhooks`: defaults for every delivery the server makes. */
export const webhooksConfigSchema = z.strictObject({
  retry: retrySchema.optional(),
  signing: signingSchema.optional(),
  /** Total time per attempt. */
  timeout_ms: z.number().int().min(1).default(30_000),
  /** Time allowed to open the connection, per attempt. */
  connect_timeout_ms: z.number().int().min(1).default(5_000),
  /** Queued deliveries in flight at once. */
  concurrency: z.number().int().min(1).max(10_000).default(64),
  /** Finished deliveries kept for inspection; older ones are pruned. */
  retention: z.number().int().min(0).default(10_000),
  /** A request arriving with a trace depth above this triggers no outbound calls (loop guard). */
  max_trace_depth: z.number().int().min(0).default(8),
  /** Outbound calls one trace may make; past it they are recorded as suppressed, not sent (loop guard). */
  max_trace_fanout: z.number().int().min(1).default(100),
  /**
   * Where delivery lifecycle events (`delivery.failing`, `delivery.dead`, `delivery.recovered`)
   * are POSTed as webhooks, through the delivery engine. Unset: they are only on the event stream.
   */
  events_url: z.string().regex(/^https?:\/\/\S+$/, { error: "must be an http:// or https:// URL" }).optional(),
  /** `delivery.failing` is published when this many attempts of one delivery have failed in a row. */
  events_failing_after: z.number().int().min(1).max(100).default(3),
  /**
   * How long a claimed delivery stays leased to the instance sending it without a renewal. The
   * holder renews every third of it while the attempt runs; once it runs out (the holder died or
   * lost its store), any instance puts the delivery back in the queue. Also how long a cluster
   * member may miss heartbeats before it counts as dead.
   */
  lease_ms: z.number().int().min(300).max(600_000).default(10_000),
  /**
   * When a route's webhooks are stored. `before_response`: the answer waits for the outbox
   * commit (group-committed), so a 2xx means they are stored, and a failed write answers 503.
   * `after_response`: the answer goes out first (less latency; a crash can lose the webhook).
   */
  persist: z.enum(["before_response", "after_response"]).default("before_response"),
});
export type WebhooksConfig = z.infer<typeof webhooksConfigSchema>;
/** The `webhooks` block as written (defaults optional), for building one in code. */
export type WebhooksConfigInput = z.input<typeof webhooksConfigSchema>;

/**
 * The fields every outbound call shares, wherever it is written (route webhooks, hook and rule
 * `http_request` actions, chain links): one definition, so they mean the same everywhere.
 * Every string is a template; in `headers`, `body` is the exact body text sent.
 */
export const outboundCallFields = {
  method: z.string().min(1).default("POST"),
  url: z.string().min(1),
  headers: z.record(z.string(), z.string()).optional(),
  /** A YAML value (sent as JSON) or a string (JSON text is parsed first, so it is templated the same way). */
  body: z.unknown().optional(),
  retry: retrySchema.optional(),
  signing: signingSchema.optional(),
  /** Time allowed per attempt. */
  timeout_ms: z.number().int().min(1).optional(),
};

/**
 * The fields of a `trigger_webhook` action (hooks and rules): send an OpenAPI 3.1 webhook of a
 * loaded spec, as `mockforge trigger` and `POST /__mockforge/openapi/webhooks/{name}/trigger` do.
 */
export const triggerWebhookFields = {
  /** The webhook's name: a key of a loaded spec's top-level `webhooks`. */
  event: z.string().min(1),
  /** Where to send it (a template; `/path` is this server); without it, to every subscription of the event. */
  to: z.string().min(1).optional(),
  /** A named example of the webhook's request body (`examples` in the spec). */
  example: z.string().min(1).optional(),
  /** The body outright (strings are templates); wins over `example` and the spec's payload. */
  body: z.unknown().optional(),
};

/** One entry of `routes[].webhooks[]`: fired after the route's response is sent. */
export const routeWebhookSchema = z.strictObject({
  ...outboundCallFields,
  /** Wait this long before the first attempt. */
  delay_ms: z.number().int().min(0).optional(),
  /** Expression over `request.*` / `response.*`; the webhook fires only when it is true. */
  condition: z.string().optional(),
});
export type RouteWebhookConfig = z.infer<typeof routeWebhookSchema>;

