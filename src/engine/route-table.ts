import FindMyWay from "find-my-way";
import { MockForgeError } from "../core/errors.js";
import { closest } from "./closest-paths.js";
import { compileRoute, type CompiledRoute } from "./compiled-route.js";
import type { RouteConfig } from "../config/index.js";
import { ANY_METHODS, routeShapeKey, toRouterPath } from "./route-path.js";

export type RouteMatch =
  | { kind: "route"; route: CompiledRoute; params: Record<string, string> }
  | { kind: "method_not_allowed"; allow: string[] }
  | { kind: "not_found" };

type Router = ReturnType<typeof FindMyWay>;

/**
 * The live route table. Routes can be added, replaced and removed at run time; each change
 * rebuilds the two routers (they are small and changes are rare, so matching stays a
 * single radix-tree lookup). Specific methods win over `ANY` on the same path.
 */
export class RouteTable {
  private routes: CompiledRoute[] = [];
  private specific: Router = newRouter();
  private any: Router = newRouter();
  /**
   * Method-specific routes whose path has no parameter, by exact path then method: most mocked
   * paths are literal, and a map lookup skips the router's path sanitizing and tree walk on
   * every such request. Anything else (parameters, `ANY`, a path the router would normalize)
   * goes to the routers, which agree with this map wherever both answer.
   */
  private exact = new Map<string, Map<string, CompiledRoute>>();

  constructor(routes: RouteConfig[] = []) {
    for (const r of routes) this.insert(compileRoute(r), false);
    this.rebuild();
  }

  list(): CompiledRoute[] {
    return this.routes.slice();
  }

  get(id: string): CompiledRoute | undefined {
    return this.routes.find((r) => r.id === id);
  }

  /** Adds a route; a route with the same method and path shape is an error. */
  add(config: RouteConfig): CompiledRoute {
    const route = compileRoute(config);
    this.insert(route, false);
    this.rebuild();
    return route;
  }

  /** Adds or replaces the route with the same id. */
  put(config: RouteConfig): CompiledRoute {
    const route = compileRoute(config);
    this.insert(route, true);
    this.rebuild();
    return route;
  }

  remove(id: string): boolean {
    const before = this.routes.length;
    this.routes = this.routes.filter((r) => r.id !== id);
    if (this.routes.length === before) return false;
    this.rebuild();
    return true;
  }

  match(method: string, path: string): RouteMatch {
    const literal = this.exact.get(path)?.get(method);
    if (literal) return { kind: "route", route: literal, params: {} };
    const found = this.specific.find(method as FindMyWay.HTTPMethod, path) ?? this.any.find(method as FindMyWay.HTTPMethod, path);
    if (found) return { kind: "route", route: found.store as CompiledRoute, params: found.params as Record<string, string> };
    const allow = this.allowedMethods(path);
    return allow.length > 0 ? { kind: "method_not_allowed", allow } : { kind: "not_found" };
  }

  /** Routes whose path pattern matches `path`, whatever their method (for `<path>/logs`). */
  routesAtPath(path: string): CompiledRoute[] {
    const seen = new Set<CompiledRoute>();
    for (const m of ANY_METHODS) {
      const f = this.specific.find(m, path) ?? this.any.find(m, path);
      if (f) seen.add(f.store as CompiledRoute);
    }
    return [...seen];
  }

  /** The routes nearest to a path that matched nothing, for the 404 body. */
  closestTo(method: string, path: string): { method: string; path: string }[] {
    return closest(`${method} ${path}`, this.routes, (r) => `${r.method} ${r.path}`).map((r) => ({ method: r.method, path: r.path }));
  }

  private allowedMethods(path: string): string[] {
    const allow: string[] = [];
    for (const m of ANY_METHODS) if (this.specific.find(m, path) || this.any.find(m, path)) allow.push(m);
    return allow;
  }

  private insert(route: CompiledRoute, replace: boolean): void {
    const key = routeShapeKey(route.method, route.path);
    const sameId = this.routes.findIndex((r) => r.id === route.id);
    const clash = this.routes.find((r) => routeShapeKey(r.method, r.path) === key && r.id !== route.id);
    if (clash) {
      throw new MockForgeError("MFG_ERR_ROUTE_DUPLICATE", `Route ${route.method} ${route.path} duplicates route '${clash.id}' (${clash.method} ${clash.path})`, {
        hint: "Two routes may not share a method and path; remove one, or replace it by id",
      });
    }
    if (sameId >= 0) {
      if (!replace) {
        throw new MockForgeError("MFG_ERR_ROUTE_DUPLICATE", `A route with id '${route.id}' already exists`, { hint: "Use PUT /__mockforge/routes/<id> to replace it" });
      }
      this.routes[sameId] = route;
    } else {
      this.routes.push(route);
    }
  }

  private rebuild(): void {
    const specific = newRouter();
    const any = newRouter();
    const exact = new Map<string, Map<string, CompiledRoute>>();
    for (const r of this.routes) {
      const path = toRouterPath(r.path);
      try {
        if (r.method === "ANY") any.on([...ANY_METHODS], path, noop, r);
        else {
          specific.on(r.method as FindMyWay.HTTPMethod, path, noop, r);
          if (isLiteralPath(path)) {
            const byMethod = exact.get(path) ?? new Map<string, CompiledRoute>();
            byMethod.set(r.method, r);
            exact.set(path, byMethod);
          }
        }
      } catch (e) {
        throw new MockForgeError("MFG_ERR_ROUTE_INVALID", `Route ${r.method} ${r.path} cannot be served: ${(e as Error).message}`, {
          hint: "Paths use literal segments, `:name` or `{name}` parameters, and `*` as a last segment",
        });
      }
    }
    this.specific = specific;
    this.any = any;
    this.exact = exact;
  }
}

function newRouter(): Router {
  return FindMyWay({ ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 500 });
}

function noop(): void {}

/**
 * A path the router matches only by being equal to it: no parameter or wildcard, nothing it
 * decodes (`%`) or cuts at (`?`, `#`, `;`), and no doubled slash it would collapse. Requests
 * for its variants (a trailing slash, percent-encoding) miss the exact map and still reach
 * the router.
 */
function isLiteralPath(path: string): boolean {
  return !/[:*%?#;]/.test(path) && !path.includes("//");
}
