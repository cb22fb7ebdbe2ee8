/**
 * The app's only knowledge of OpenAPI before it is loaded: whether a config uses it (then the
 * app imports `openapi/` lazily, so other configs never load the parser, ajv or the sampler),
 * and the refusal of a run-time route that names `receives:` on a server that loaded no spec.
 */
import type { MockForgeConfig } from "./config/index.js";
import { MockForgeError } from "./core/errors.js";
import type { CompiledRoute } from "./engine/compiled-route.js";

export function usesOpenApi(config: MockForgeConfig): boolean {
  return config.openapi.length > 0 || config.routes.some((r) => r.receives !== undefined);
}

/** Decorator for servers without OpenAPI: `receives` cannot be honoured, so it is refused, not ignored. */
export function refuseReceives(route: CompiledRoute): void {
  if (route.config.receives) {
    throw new MockForgeError("MFG_ERR_ROUTE_INVALID", `Route ${route.id} receives ${route.config.receives.spec}#${route.config.receives.webhook}, but this server loaded no OpenAPI spec at startup`, {
      hint: "put the route (or the spec under openapi:) in the config file, so the spec is loaded when the server starts",
    });
  }
}
