/**
 * The `routes` filter of a `chaos_config` block: which requests its faults apply to. Compiled
 * once when the faults are set, so the per-request check is a few string compares and at most
 * one regex test per entry.
 */
import { RE2JS } from "re2js";

/** True when a request (method, path, matched route id or null) is covered by the filter. */
export type RouteFilter = (method: string, path: string, routeId: string | null) => boolean;

interface Entry {
  /** Exact route id (`POST /api/orders` or a route's `id`). */
  id: string;
  /** Upper-case method the path pattern is limited to, null for any. */
  method: string | null;
  /** Path pattern, null when the entry is only a route id. */
  pattern: RE2JS | null;
}

const METHOD_PREFIX = /^([A-Za-z]+)\s+(\/.*)$/;

/**
 * Compiles route filter entries: a route id (`orders-create`), a path pattern (`/api/orders`,
 * `/api/*` for one segment, `/api/**` for any depth, `/orders/:id` or `/orders/{id}`), or a
 * method and a pattern (`POST /api/orders`, which is also the default id of that route;
 * `ANY` means every method). Returns null for no filter (every request).
 *
 * @example
 * const f = compileRouteFilter(["GET /api/*", "orders-create"])!;
 * f("GET", "/api/orders", null) // true
 * f("POST", "/api/orders", "orders-create") // true
 */
export function compileRouteFilter(entries: readonly string[] | undefined): RouteFilter | null {
  if (!entries || entries.length === 0) return null;
  const compiled = entries.map(compileEntry);
  return (method, path, routeId) => {
    for (const e of compiled) {
      if (routeId !== null && routeId === e.id) return true;
      if (e.pattern && (e.method === null || e.method === method.toUpperCase()) && e.pattern.test(path)) return true;
    }
    return false;
  };
}

function compileEntry(raw: string): Entry {
  const entry = raw.trim();
  const m = METHOD_PREFIX.exec(entry);
  if (m) {
    const method = m[1]!.toUpperCase();
    return { id: entry, method: method === "ANY" ? null : method, pattern: pathPattern(m[2]!) };
  }
  if (entry.startsWith("/")) return { id: entry, method: null, pattern: pathPattern(entry) };
  return { id: entry, method: null, pattern: null };
}

/** `/a/*` one segment, `/a/**` anything below, `:id` / `{id}` one segment; a trailing slash is optional. */
function pathPattern(pattern: string): RE2JS {
  const parts = pattern.replace(/\/+$/, "").split("/").map((seg) => {
    if (seg === "**") return ".*";
    if (/^:[A-Za-z_]\w*$/.test(seg) || /^\{[A-Za-z_]\w*\}$/.test(seg)) return "[^/]+";
    return seg.split("*").map(escapeRegex).join("[^/]*");
  });
  // `/api/**` must also match `/api` itself.
  const body = parts.join("/").replace(/\/\.\*$/, "(?:/.*)?");
  // RE2 (linear time): several `*` in one entry would otherwise backtrack polynomially on a long request path.
  return RE2JS.compile(`^${body}/?$`);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
