/**
 * A mocked route (SPEC §2). Response fields are templates (SPEC §8), compiled and checked by
 * `validateConfig`; the schema only checks shapes. Plain zod, no transforms, so the config
 * normaliser can walk it.
 */
import { z } from "zod";
import { faultConfigSchema } from "./chaos.js";
import { receivesSchema } from "./openapi.js";
import { routeVerifySchema } from "./signing.js";
import { routeWebhookSchema } from "./webhooks.js";

/** The verbs a route can name; `ANY` answers all of them. */
export const ROUTE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];

const STATUS_TEMPLATE = /^(\d{3}|\s*\{\{[\s\S]*\}\}\s*)$/;

/** An integer status, or a string that renders to one per request (`"{{request.body.code}}"`). */
export const statusSchema = z.union([
  z.number().int().min(100).max(599),
  z.string().regex(STATUS_TEMPLATE, { error: "must be an HTTP status (100–599) or a `{{ … }}` template that renders one" }),
]);

export const routeResponseSchema = z.strictObject({
  status: statusSchema.default(200),
  /** Header names keep their case as written; values are templates. */
  headers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  /** Any YAML value (sent as JSON) or a string (sent as is). Strings inside are templates. */
  body: z.unknown().optional(),
  delay_ms: z.number().int().min(0).default(0).describe("Wait this long before answering"),
});
export type RouteResponseConfig = z.infer<typeof routeResponseSchema>;

export const routeSchema = z.strictObject({
  id: z.string().min(1).optional().describe("Defaults to `<METHOD> <path>`, e.g. `POST /webhooks/orders`"),
  path: z
    .string()
    .regex(/^\//, { error: "must start with `/`, e.g. /webhooks/orders" })
    .describe("Request path; `:name` and `{name}` segments capture `request.params.name`"),
  method: z.enum(ROUTE_METHODS).default("ANY").describe("HTTP method in capitals; `ANY` (the default) answers every method"),
  response: routeResponseSchema.prefault({}),
  webhooks: z.array(routeWebhookSchema).default([]).describe("Outbound calls fired after the response is sent"),
  script: z.string().optional().describe("JavaScript run for each request (SPEC §6)"),
  chaos_config: faultConfigSchema.optional().describe("Always-on faults for this route (SPEC §5)"),
  receives: receivesSchema.optional().describe("Validate requests against an OpenAPI 3.1 webhook and journal the result (docs/openapi.md)"),
  verify: routeVerifySchema.optional().describe("Check incoming signatures (stripe, github, slack, shopify, svix, standard-webhooks)"),
});
export type RouteConfig = z.infer<typeof routeSchema>;

export const routesConfigSchema = z.array(routeSchema);
export type RoutesConfig = z.infer<typeof routesConfigSchema>;

/**
 * The id a route is known by: its `id`, else `<METHOD> <path>`.
 *
 * @example
 * routeIdOf({ path: "/webhooks/orders", method: "POST" }) // "POST /webhooks/orders"
 */
export function routeIdOf(route: { id?: string | undefined; method?: string | undefined; path: string }): string {
  return route.id ?? `${(route.method ?? "ANY").toUpperCase()} ${route.path}`;
}
