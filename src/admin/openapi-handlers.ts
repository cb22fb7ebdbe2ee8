import { MockForgeError } from "../core/errors.js";
import type { OpenApiService, Subscription } from "../openapi/index.js";
import { ok, type AdminRoute } from "./admin-types.js";
import { redactSecrets } from "./deliveries-handlers.js";

/**
 * The OpenAPI endpoints (docs/openapi.md), behind the one admin router and its authorization:
 * what each spec serves, triggering 3.1 webhooks, and subscriptions to them.
 */
export function openapiHandlers(openapi: OpenApiService | null): AdminRoute[] {
  const need = (): OpenApiService => {
    const o = openapi;
    if (!o) throw new MockForgeError("MFG_ERR_NOT_FOUND", "This server serves no OpenAPI spec", { hint: "add `openapi: [{spec: …}]` to the config, or start with `mockforge serve --openapi spec.yaml`" });
    return o;
  };
  const body = (b: unknown): Record<string, unknown> => (b && typeof b === "object" && !Array.isArray(b) ? (b as Record<string, unknown>) : {});
  return [
    {
      method: "GET",
      path: "/openapi",
      handler: async () => {
        const o = need();
        return ok(o.describe());
      },
    },
    {
      method: "POST",
      path: "/openapi/webhooks/:name/trigger",
      handler: async ({ req, params }) => {
        const b = body(req.body);
        if (b.to !== undefined && typeof b.to !== "string") throw new MockForgeError("MFG_ERR_BAD_REQUEST", "`to` must be a URL string");
        if (b.example !== undefined && typeof b.example !== "string") throw new MockForgeError("MFG_ERR_BAD_REQUEST", "`example` must be an example's name");
        const sent = await need().events.trigger(params.name!, {
          ...(typeof b.to === "string" ? { to: b.to } : {}),
          ...(typeof b.example === "string" ? { example: b.example } : {}),
          ...(b.body !== undefined ? { body: b.body } : {}),
          ...(b.secret !== undefined ? { secret: b.secret as string } : {}),
        });
        return ok({ event: params.name, deliveries: sent.map(redactSecrets) }, 202);
      },
    },
    {
      method: "GET",
      path: "/openapi/subscriptions",
      handler: async () => ok({ subscriptions: need().events.subscriptions().map(shown) }),
    },
    {
      method: "POST",
      path: "/openapi/subscriptions",
      handler: async ({ req }) => ok(shown(need().events.subscribe(body(req.body))), 201),
    },
    {
      method: "DELETE",
      path: "/openapi/subscriptions/:id",
      handler: async ({ params }) => {
        if (!need().events.unsubscribe(params.id!)) throw new MockForgeError("MFG_ERR_NOT_FOUND", `No subscription '${params.id}'`);
        return ok({ deleted: params.id });
      },
    },
  ];
}

function shown(s: Subscription): Subscription {
  return { ...s, secret: s.secret ? "[redacted]" : null };
}
