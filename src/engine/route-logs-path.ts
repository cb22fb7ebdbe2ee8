import type { MockRequest } from "./mock-request.js";
import type { RouteTable } from "./route-table.js";

/**
 * True for `GET <path>/logs` when some route is at `<path>`: the journal of that route, which
 * is admin surface (the server hands it to the admin API, which authorizes it like every other
 * admin call). A route written at that `/logs` path wins over the view; a route that only
 * matches because its last parameter (or `*`) takes the value `logs` (`GET /api/orders/:id`)
 * does not: the config load warns about such routes (config/logs-shadow.ts).
 */
export function isRouteLogsRequest(routes: RouteTable, req: MockRequest): boolean {
  if (req.method !== "GET" || !req.path.endsWith("/logs")) return false;
  const m = routes.match(req.method, req.rawPath);
  if (m.kind === "route" && !takesLogsAsValue(m.route.path)) return false;
  return routes.routesAtPath(req.path.slice(0, -"/logs".length) || "/").length > 0;
}

/** True when a route path ends in a parameter or `*`: it matched `…/logs` by taking `logs` as a value. */
function takesLogsAsValue(path: string): boolean {
  const last = path.slice(path.lastIndexOf("/") + 1);
  return last === "*" || last.startsWith(":") || /^\{.*\}$/.test(last);
}
