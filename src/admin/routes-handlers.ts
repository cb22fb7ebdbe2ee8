import { MockForgeError } from "../core/errors.js";
import { parseRouteInput, type RouteConfig } from "../config/index.js";
import { checkScriptSyntax } from "../scripting/index.js";
import type { RouteTable } from "../engine/route-table.js";
import { ok, type AdminRoute } from "./admin-types.js";

/**
 * Run-time route management: list, add, replace and remove mocked routes without a restart.
 * A route is checked as at startup (schema, templates, script syntax), and `onChange` keeps
 * what depends on routes (their always-on faults) in step.
 */
export function routesHandlers(routes: RouteTable, onChange: (id: string, route: RouteConfig | null) => void): AdminRoute[] {
  const parse = (input: unknown, label: string): RouteConfig => {
    const route = parseRouteInput(input, label);
    if (route.script) {
      const check = checkScriptSyntax(route.script);
      if (!check.ok) {
        throw new MockForgeError("MFG_ERR_SCRIPT_SYNTAX", `${label}: script does not compile: ${check.message} (script line ${check.line}, column ${check.column})`, { path: "script" });
      }
    }
    return route;
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
        const r = routes.add(parse(req.body, "POST /__mockforge/routes"));
        onChange(r.id, r.config);
        return ok({ id: r.id, method: r.method, path: r.path, config: r.config }, 201);
      },
    },
    {
      method: "PUT",
      path: "/routes/:id",
      handler: async ({ req, params }) => {
        const input = req.body && typeof req.body === "object" && !Array.isArray(req.body) ? { ...(req.body as object), id: params.id } : req.body;
        const r = routes.put(parse(input, `PUT /__mockforge/routes/${params.id}`));
        onChange(r.id, r.config);
        return ok({ id: r.id, method: r.method, path: r.path, config: r.config });
      },
    },
    {
      method: "DELETE",
      path: "/routes/:id",
      handler: async ({ params }) => {
        if (!routes.remove(params.id!)) throw notFound(params.id!, routes);
        onChange(params.id!, null);
        return ok({ removed: params.id });
      },
    },
  ];
}

function notFound(id: string, routes: RouteTable): MockForgeError {
  return new MockForgeError("MFG_ERR_ROUTE_NOT_FOUND", `No route with id '${id}'`, {
    hint: `Known route ids: ${routes.list().map((r) => r.id).join(", ") || "(none)"}`,
  });
}
