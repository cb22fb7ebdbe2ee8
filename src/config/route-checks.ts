/**
 * Semantic checks on routes the schema cannot express: path syntax and duplicates
 * (`/users/:id`, `/users/{id}` and `/users/{name}` are the same route for the same method).
 */
import type { ConfigProblem } from "./config-error.js";
import type { ConfigSource } from "./parse-with-schema.js";
import { routeIdOf, type RouteConfig } from "./schema/routes.js";

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A `{name}` segment as `/^\{.*\}$/` reads one (no line break inside): the regular expression
 * runs only on a segment that starts and ends with a brace, not on every segment of every path.
 */
function braced(s: string): boolean {
  return s.length >= 2 && s.charCodeAt(0) === 123 && s.charCodeAt(s.length - 1) === 125 && /^\{.*\}$/.test(s);
}

/** What is wrong with a route path's syntax, or null. */
export function routePathProblem(path: string): { message: string; hint: string } | null {
  // Most paths hold none of these: nothing below can find a problem in them (a config of 100k routes).
  if (!/[?#{}:]/.test(path)) return null;
  if (/[?#]/.test(path)) return { message: `path \`${path}\` contains a query or fragment`, hint: "match on the path only; read the query as `request.query.*`" };
  let names: Set<string> | null = null;
  for (const segment of path.split("/")) {
    const name = segment.startsWith(":") ? segment.slice(1) : braced(segment) ? segment.slice(1, -1) : null;
    if (name === null) {
      if (segment.includes("{") || segment.includes("}")) return { message: `segment \`${segment}\` of \`${path}\` is not a parameter`, hint: "a parameter is a whole segment: `{id}` or `:id`" };
      continue;
    }
    if (!PARAM_NAME.test(name)) return { message: `parameter \`${segment}\` in \`${path}\` has no valid name`, hint: "names are letters, digits and `_`, e.g. `:order_id`" };
    names ??= new Set();
    if (names.has(name)) return { message: `parameter \`${name}\` appears twice in \`${path}\``, hint: "give each parameter its own name" };
    names.add(name);
  }
  return null;
}

/**
 * The key under which two routes collide: method plus the path with parameter names erased.
 *
 * @example
 * routeShape("GET", "/users/{id}") === routeShape("GET", "/users/:name") // true
 */
export function routeShape(method: string, path: string): string {
  if (!path.includes(":") && !path.includes("{")) return `${method.toUpperCase()} ${path}`;
  const shape = path
    .split("/")
    .map((s) => (s.startsWith(":") || braced(s) ? ":" : s))
    .join("/");
  return `${method.toUpperCase()} ${shape}`;
}

/** Path syntax, duplicate method + path, duplicate ids. `prefix` is where the routes sit (`["routes"]`). */
export function checkRoutes(routes: readonly RouteConfig[], source: ConfigSource, prefix: readonly PropertyKey[] = ["routes"]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const byShape = new Map<string, number>();
  const byId = new Map<string, number>();
  routes.forEach((route, i) => {
    // The route's own path is made only for a problem (a config of 100k routes has none).
    const syntax = routePathProblem(route.path);
    if (syntax) problems.push(source.problem("MFG_ERR_ROUTE_INVALID", [...prefix, i, "path"], syntax.message, { hint: syntax.hint }));
    const shape = routeShape(route.method, route.path);
    const first = byShape.get(shape);
    if (first !== undefined) {
      problems.push(duplicate(source, [...prefix, i], [...prefix, first], `route ${route.method} ${route.path} is defined twice`, "path", "remove one, or change its method or path"));
    } else byShape.set(shape, i);
    const id = routeIdOf(route);
    const sameId = byId.get(id);
    if (sameId !== undefined && first === undefined) {
      problems.push(duplicate(source, [...prefix, i], [...prefix, sameId], `route id \`${id}\` is used twice`, route.id !== undefined ? "id" : "path", "give each route its own `id`"));
    } else if (sameId === undefined) byId.set(id, i);
  });
  return problems;
}

function duplicate(source: ConfigSource, at: PropertyKey[], firstAt: PropertyKey[], what: string, key: string, hint: string): ConfigProblem {
  const other = source.problem("MFG_ERR_ROUTE_DUPLICATE", [...firstAt, key], "");
  const where = other.line !== undefined ? ` (line ${other.line})` : "";
  return source.problem("MFG_ERR_ROUTE_DUPLICATE", [...at, key], `${what}: first at ${other.path}${where}`, {
    hint,
    extra: { first: { path: other.path, line: other.line, column: other.column } },
  });
}
