/**
 * `GET <route path>/logs` is the journal of the routes at `<route path>` (admin surface). A GET
 * route whose last segment is a parameter or `*` (`GET /api/orders/:id`) would also match
 * `/api/orders/logs`; the logs view wins there (a route written with a literal `/logs` still
 * wins over the view), and this says so when the config loads, and when the admin API adds,
 * replaces or removes a route, so the `id = logs` request is not a surprise either way.
 */
import { problemLine } from "./config-error.js";
import type { ConfigSource } from "./parse-with-schema.js";
import type { RouteConfig } from "./schema/routes.js";

/** A GET/ANY route (`route`, at `index`) that would answer `logsPath`, the request log of `owner`. */
export interface LogsShadow {
  index: number;
  route: RouteConfig;
  owner: RouteConfig;
  logsPath: string;
  message: string;
  hint: string;
}

const isParam = (s: string) => s.startsWith(":") || (s.startsWith("{") && /^\{.*\}$/.test(s));
/** The path with parameter names erased: `/a/{id}` and `/a/:x` are the same place. */
const shapeOf = (segments: readonly string[]) => segments.map((s) => (isParam(s) ? ":" : s)).join("/");

/** Every GET/ANY route that would answer some `<route path>/logs` if the logs view did not. */
export function logsShadows(routes: readonly RouteConfig[]): LogsShadow[] {
  // Only a GET/ANY route ending in a parameter or `*` can shadow a log: most configs have few.
  const candidates: number[] = [];
  const wanted = new Set<string>();
  let wildcards = false;
  routes.forEach((route, index) => {
    if (!answersGet(route)) return;
    const last = route.path.slice(route.path.lastIndexOf("/") + 1);
    if (last === "*") wildcards = true;
    else if (!isParam(last)) return;
    candidates.push(index);
    wanted.add(shapeOf(route.path.split("/").slice(0, -1)) || "/");
  });
  if (candidates.length === 0) return [];
  // The first route of each shape a candidate may belong to (any shape under a wildcard's prefix).
  const bases = new Map<string, RouteConfig>();
  const literalLogs = new Set<string>();
  for (const r of routes) {
    // Without a parameter a path is its own shape: no split and join for most routes.
    const shape = r.path.includes(":") || r.path.includes("{") ? shapeOf(r.path.split("/")) : r.path;
    if ((wildcards || wanted.has(shape)) && !bases.has(shape)) bases.set(shape, r);
    if (answersGet(r) && (r.path.endsWith("/logs") || r.path === "logs")) literalLogs.add(shape);
  }
  const out: LogsShadow[] = [];
  for (const index of candidates) {
    const route = routes[index]!;
    const last = route.path.slice(route.path.lastIndexOf("/") + 1);
    const segments = route.path.split("/");
    const owner =
      last === "*" ? wildcardBase(segments, bases) : isParam(last) ? bases.get(shapeOf(segments.slice(0, -1)) || "/") : undefined;
    if (!owner) continue;
    const logsPath = `${owner.path === "/" ? "" : owner.path}/logs`;
    if (literalLogs.has(shapeOf(logsPath.split("/")))) continue;
    out.push({
      index,
      route,
      owner,
      logsPath,
      message: `${route.method} ${route.path} does not answer GET ${logsPath}: that path is the request log of ${owner.method} ${owner.path} (admin surface, docs/admin-api.md#the-journal-requests-received)`,
      hint: `to answer it from a route instead, define GET ${logsPath} with a literal path`,
    });
  }
  return out;
}

/** The load's warnings, each at the position of the shadowing route's `path` in the config file. */
export function logsShadowWarnings(routes: readonly RouteConfig[], source: ConfigSource): string[] {
  return logsShadows(routes).map((s) => {
    const at = source.problem("MFG_ERR_ROUTE_INVALID", ["routes", s.index, "path"], "");
    return problemLine({ ...at, message: s.message, hint: s.hint });
  });
}

/**
 * The shadows `after` has that `before` did not, as warning lines headed by `label` (the admin
 * call): a run-time change warns about what it caused (a new parameter route, a new route whose
 * log a parameter route now covers, a removed literal `/logs` route), not about older ones.
 */
export function newLogsShadowWarnings(before: readonly RouteConfig[], after: readonly RouteConfig[], label: string): string[] {
  const key = (s: LogsShadow) => `${s.route.method} ${s.route.path} ${s.logsPath}`;
  const old = new Set(logsShadows(before).map(key));
  return logsShadows(after)
    .filter((s) => !old.has(key(s)))
    .map((s) => `${label}: ${s.message} (${s.hint})`);
}

function answersGet(r: RouteConfig): boolean {
  return r.method === "GET" || r.method === "ANY";
}

/** A route at or under the wildcard's prefix (`/api/*` takes every `/api/…/logs`), when there is one. */
function wildcardBase(segments: readonly string[], bases: ReadonlyMap<string, RouteConfig>): RouteConfig | undefined {
  const prefix = shapeOf(segments.slice(0, -1));
  for (const [shape, r] of bases) if (shape.startsWith(`${prefix}/`) && !shape.endsWith("/*")) return r;
  return undefined;
}
