import { refuseUnlisted } from "../core/env-access.js";
import { MockForgeError } from "../core/errors.js";
import type { SharedState } from "../cluster/shared-state.js";
import { checkRouteInput, newLogsShadowWarnings, routeIdOf, type RouteConfig } from "../config/index.js";
import type { Logger } from "../core/logger.js";
import { checkScriptSyntax, loadScriptSyntaxChecker } from "../scripting/index.js";
import type { RouteTable } from "../engine/route-table.js";
import { ok, type AdminRoute } from "./admin-types.js";

/**
 * Run-time route management: list, add, replace and remove mocked routes without a restart.
 * A route is checked as at startup (schema, templates, script syntax), and `onChange` keeps
 * what depends on routes (their always-on faults) in step. In a cluster, every change goes
 * through `shared` first, so each member applies it (the same functions, via `register`).
 * A route added here reads only the environment variables in `envAllowlist` (the config's
 * `env_allowlist`): one naming any other is refused with MFG_ERR_ENV_NOT_ALLOWED. What a file
 * would be warned about at load (a `__proto__` header, dropped; a parameter route that a
 * `<path>/logs` request log now shadows) comes back as `warnings` and is logged, as at load.
 */
export function routesHandlers(routes: RouteTable, onChange: (id: string, route: RouteConfig | null) => void, shared: SharedState, envAllowlist: readonly string[], logger: Logger): AdminRoute[] {
  shared.register("route", (id, body) => {
    if (body === null) routes.remove(id);
    else routes.put(body as RouteConfig);
    onChange(id, body === null ? null : (body as RouteConfig));
  });
  const parse = routeParser(envAllowlist);
  const configs = () => routes.list().map((r) => r.config);
  /** Applies one change and returns the warnings it brought: the input's own, and new logs shadows. */
  const apply = async (id: string, config: RouteConfig | null, local: () => void, label: string, inputWarnings: string[]) => {
    // Taken as the change applies: a cluster sync before it may bring other members' changes.
    let before: RouteConfig[] = [];
    await shared.change("route", id, config, () => {
      before = configs();
      local();
    });
    onChange(id, config === null ? null : routes.get(id)!.config);
    const warnings = [...inputWarnings, ...newLogsShadowWarnings(before, configs(), label)];
    for (const w of warnings) logger.warn(w);
    return warnings;
  };
  const view = () => routes.list().map((r) => ({ id: r.id, method: r.method, path: r.path, config: r.config }));
  return [
    { method: "GET", path: "/routes", handler: async () => ok(view()) },
    {
      method: "GET",
      path: "/routes/:id",
      handler: async ({ params }) => {
        const r = routes.get(params.id!);
        if (!r) throw notFound(params.id!, routes);
        return ok({ id: r.id, method: r.method, path: r.path, config: r.config });
      },
    },
    {
      method: "POST",
      path: "/routes",
      handler: async ({ req }) => {
        const label = "POST /__mockforge/routes";
        const input = await parse(req.body, label);
        const config = input.route;
        const id = routeIdOf(config);
        if (routes.get(id)) routes.add(config); // throws the duplicate error before anything is shared
        const warnings = await apply(id, config, () => routes.add(config), label, input.warnings);
        const r = routes.get(id)!;
        return ok({ id: r.id, method: r.method, path: r.path, config: r.config, warnings }, 201);
      },
    },
    {
      method: "PUT",
      path: "/routes/:id",
      handler: async ({ req, params }) => {
        const input = req.body && typeof req.body === "object" && !Array.isArray(req.body) ? { ...(req.body as object), id: params.id } : req.body;
        const label = `PUT /__mockforge/routes/${params.id}`;
        const parsed = await parse(input, label);
        const config = parsed.route;
        const warnings = await apply(params.id!, config, () => routes.put(config), label, parsed.warnings);
        const r = routes.get(params.id!)!;
        return ok({ id: r.id, method: r.method, path: r.path, config: r.config, warnings });
      },
    },
    {
      method: "DELETE",
      path: "/routes/:id",
      handler: async ({ params }) => {
        if (!routes.get(params.id!)) throw notFound(params.id!, routes);
        const warnings = await apply(params.id!, null, () => routes.remove(params.id!), `DELETE /__mockforge/routes/${params.id}`, []);
        return ok({ removed: params.id, warnings });
      },
    },
  ];
}

/** Checks a route body as a config file's route is checked (schema, templates, script syntax), and refuses env names outside `envAllowlist`. */
function routeParser(envAllowlist: readonly string[]): (input: unknown, label: string) => Promise<{ route: RouteConfig; warnings: string[] }> {
  return async (input, label) => {
    const { route, warnings } = checkRouteInput(input, label);
    refuseUnlisted(route, envAllowlist, label);
    if (route.script) {
      await loadScriptSyntaxChecker();
      const check = checkScriptSyntax(route.script);
      if (!check.ok) {
        throw new MockForgeError("MFG_ERR_SCRIPT_SYNTAX", `${label}: script does not compile: ${check.message} (script line ${check.line}, column ${check.column})`, { path: "script" });
      }
    }
    return { route, warnings };
  };
}

function notFound(id: string, routes: RouteTable): MockForgeError {
  return new MockForgeError("MFG_ERR_ROUTE_NOT_FOUND", `No route with id '${id}'`, {
    hint: `Known route ids: ${routes.list().map((r) => r.id).join(", ") || "(none)"}`,
  });
}
