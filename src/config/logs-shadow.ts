/**
 * `GET <route path>/logs` is the journal of the routes at `<route path>` (admin surface). A GET
 * route whose last segment is a parameter or `*` (`GET /api/orders/:id`) would also match
 * `/api/orders/logs`; the logs view wins there (a route written with a literal `/logs` still
 * wins over the view), and this says so when the config loads, so the `id = logs` request is
 * not a surprise either way.
 */
import { problemLine } from "./config-error.js";
import type { ConfigSource } from "./parse-with-schema.js";
import type { RouteConfig } from "./schema/routes.js";

const isParam = (s: string) => s.startsWith(":") || /^\{.*\}$/.test(s);
/** The path with parameter names erased: `/a/{id}` and `/a/:x` are the same place. */
const shapeOf = (segments: readonly string[]) => segments.map((s) => (isParam(s) ? ":" : s)).join("/");

/** One warning per GET/ANY route that would answer some `<route path>/logs` if the logs view did not. */
export function logsShadowWarnings(routes: readonly RouteConfig[], source: ConfigSource): string[] {
  const bases = new Map<string, RouteConfig>();
  const literalLogs = new Set<string>();
  for (const r of routes) {
    const segments = r.path.split("/");
    if (!bases.has(shapeOf(segments))) bases.set(shapeOf(segments), r);
    if (segments.at(-1) === "logs" && answersGet(r)) literalLogs.add(shapeOf(segments));
  }
  const out: string[] = [];
  routes.forEach((q, i) => {
    if (!answersGet(q)) return;
    const segments = q.path.split("/");
    const last = segments.at(-1)!;
    const shadowed =
      last === "*" ? wildcardBase(segments, bases) : isParam(last) ? bases.get(shapeOf(segments.slice(0, -1)) || "/") : undefined;
    if (!shadowed) return;
    const logs = `${shadowed.path === "/" ? "" : shadowed.path}/logs`;
    if (literalLogs.has(shapeOf(logs.split("/")))) return;
    const at = source.problem("MFG_ERR_ROUTE_INVALID", ["routes", i, "path"], "");
    out.push(
      problemLine({
        ...at,
        message: `${q.method} ${q.path} does not answer GET ${logs}: that path is the request log of ${shadowed.method} ${shadowed.path} (admin surface, docs/admin-api.md#the-journal-requests-received)`,
        hint: `to answer it from a route instead, define GET ${logs} with a literal path`,
      }),
    );
  });
  return out;
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
