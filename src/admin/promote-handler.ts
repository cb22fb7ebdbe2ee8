/**
 * "Promote to route": a journaled request made into a route a user can add as it is (or edit
 * first). `GET /__mockforge/requests/<id>/promote` answers the route and its YAML, changing
 * nothing; adding it is the ordinary `POST /__mockforge/routes` with that route, so a promoted
 * route is checked exactly like any other.
 */
import { createRequire } from "node:module";
import { MockForgeError } from "../core/errors.js";
import type { RouteTable } from "../engine/route-table.js";
import type { JournalEntry, JournalStore } from "../storage/ports.js";
import { ok, type AdminRoute } from "./admin-types.js";

export interface PromotedRoute {
  method: string;
  path: string;
  response: { status: number; headers: Record<string, string>; body: unknown };
}

/**
 * The route that would answer this request: its method and exact path; the answer of the route
 * that served it when one did (its status and body), else 200 with an empty JSON object, since
 * the journal keeps requests, not what a 404 said.
 */
export function promoteRoute(e: JournalEntry, routes: RouteTable): PromotedRoute {
  const served = e.routeId ? routes.get(e.routeId)?.config : undefined;
  const response = served?.response as { status?: number; headers?: Record<string, string>; body?: unknown } | undefined;
  return {
    method: e.method,
    path: e.path,
    response: {
      status: response?.status ?? (e.status >= 200 && e.status < 400 ? e.status : 200),
      headers: { "content-type": "application/json", ...(response?.headers ?? {}) },
      body: response?.body ?? {},
    },
  };
}

export function promoteHandler(journal: JournalStore, routes: RouteTable): AdminRoute {
  return {
    method: "GET",
    path: "/requests/:id/promote",
    handler: async ({ params }) => {
      const e = await journal.get(params.id!);
      if (!e) throw new MockForgeError("MFG_ERR_NOT_FOUND", `No journal entry '${params.id}'`);
      const route = promoteRoute(e, routes);
      const taken = routes.list().some((r) => r.method === route.method && r.path === route.path);
      // Required here, not imported at the top: the `yaml` package costs every server start
      // ~60 ms of loading for an admin call most never make (issue 20, start time). Not import():
      // see check-script-syntax.ts.
      const { stringify } = createRequire(import.meta.url)("yaml") as typeof import("yaml");
      return ok({ route, yaml: stringify({ routes: [route] }), exists: taken, add: { method: "POST", path: "/__mockforge/routes", body: route } });
    },
  };
}
