import { MockForgeError } from "../core/errors.js";
import { ClosestIndex } from "./closest-paths.js";
import { compileRoute, type CompiledRoute, type RouteExtension } from "./compiled-route.js";
import type { RouteConfig } from "../config/index.js";
import { isLiteralPath, literalForm } from "./literal-path.js";
import { routerMaker, type PathRouter } from "./path-router.js";
import { ANY_METHODS, routeShapeKey, toRouterPath } from "./route-path.js";

export type RouteMatch =
  | { kind: "route"; route: CompiledRoute; params: Record<string, string> }
  | { kind: "method_not_allowed"; allow: string[] }
  | { kind: "not_found" };

/**
 * The live route table. Routes can be added, replaced and removed at run time; each change
 * rebuilds the two routers (changes are rare, so matching stays a single tree lookup).
 * Specific methods win over `ANY` on the same path, and a literal path over a parameter.
 */
export class RouteTable {
  private routes: CompiledRoute[] = [];
  private specific: PathRouter<CompiledRoute> | null = null;
  private any: PathRouter<CompiledRoute> | null = null;
  /**
   * Method-specific routes whose path has no parameter, by exact path then method. They are
   * not in the router at all: a map lookup skips its path reading on every such request. A request path that is not found as it is
   * is looked up again in the router's normal form (`literalForm`) before the router is asked,
   * so a literal path still wins over a parameter for `/users/me/` as for `/users/me`.
   */
  private exact = new Map<string, Map<string, CompiledRoute>>();
  /**
   * The route holding each method + path shape, and each id's position in `routes`: a config
   * of 100k routes is loaded in one pass, where comparing each new route with every earlier
   * one took minutes.
   */
  private byShape = new Map<string, CompiledRoute>();
  private byId = new Map<string, number>();
  /** Built on the first 404 that needs it, dropped when the routes change. */
  private nearby: ClosestIndex<CompiledRoute> | null = null;
  /** Called on every route compiled from now on and on those already in (OpenAPI checks on config routes). */
  private decorate: ((route: CompiledRoute) => void) | null = null;

  /** `routes`: the config's, compiled on first use (their templates were checked at load). */
  constructor(routes: RouteConfig[] = []) {
    for (const r of routes) this.insert(compileRoute(r, false, true), false);
    this.rebuild(false);
  }

  list(): CompiledRoute[] {
    return this.routes.slice();
  }

  get(id: string): CompiledRoute | undefined {
    const i = this.byId.get(id);
    return i === undefined ? undefined : this.routes[i];
  }

  /** Adds a route at run time; a route with the same method and path shape is an error. */
  add(config: RouteConfig): CompiledRoute {
    const route = this.compile(config);
    this.insert(route, false);
    this.rebuild(false);
    return route;
  }

  /**
   * Adds routes made elsewhere (OpenAPI operations, already compiled and extended), rebuilding
   * the routers once rather than per route. All or nothing: on a clash nothing is added.
   */
  addExtended(entries: { config: RouteConfig; ext: RouteExtension }[]): CompiledRoute[] {
    const before = this.routes.slice();
    const routes = entries.map(({ config, ext }) => Object.assign(compileRoute(config), { ext }));
    try {
      for (const r of routes) this.insert(r, false);
      this.rebuild();
    } catch (e) {
      this.routes = before;
      this.rebuild();
      throw e;
    }
    return routes;
  }

  /** True when a route already answers this method and path shape (config routes win over spec routes). */
  hasShape(method: string, path: string): CompiledRoute | undefined {
    return this.byShape.get(routeShapeKey(method, path));
  }

  /** Sets the decorator run on every compiled route: now on the routes already in, then on each new one. */
  setDecorator(fn: (route: CompiledRoute) => void): void {
    this.decorate = fn;
    for (const r of this.routes) fn(r);
  }

  /** Adds or replaces the route with the same id, at run time. */
  put(config: RouteConfig): CompiledRoute {
    const route = this.compile(config);
    this.insert(route, true);
    this.rebuild(false);
    return route;
  }

  remove(id: string): boolean {
    const before = this.routes.length;
    this.routes = this.routes.filter((r) => r.id !== id);
    if (this.routes.length === before) return false;
    this.rebuild();
    return true;
  }

  /** `add`/`put` serve the admin API and cluster changes: what they compile was added at run time. */
  private compile(config: RouteConfig): CompiledRoute {
    const route = compileRoute(config, true);
    this.decorate?.(route);
    return route;
  }

  match(method: string, path: string): RouteMatch {
    const literal = this.exact.get(path)?.get(method) ?? this.literal(path)?.get(method);
    if (literal) return { kind: "route", route: literal, params: {} };
    const found = this.specific?.find(method, path) ?? this.any?.find(method, path);
    if (found) return { kind: "route", route: found.store as CompiledRoute, params: found.params as Record<string, string> };
    const allow = this.allowedMethods(path);
    return allow.length > 0 ? { kind: "method_not_allowed", allow } : { kind: "not_found" };
  }

  /** Routes whose path pattern matches `path`, whatever their method (for `<path>/logs`). */
  routesAtPath(path: string): CompiledRoute[] {
    const seen = new Set<CompiledRoute>();
    const literal = this.literal(path);
    for (const m of ANY_METHODS) {
      const f = literal?.get(m) ?? this.specific?.find(m, path)?.store ?? this.any?.find(m, path)?.store;
      if (f) seen.add(f);
    }
    return [...seen];
  }

  /** The literal routes at `path` in the router's normal form, by method. */
  private literal(path: string): Map<string, CompiledRoute> | undefined {
    const form = literalForm(path);
    return form === null ? undefined : this.exact.get(form);
  }

  /** The routes nearest to a path that matched nothing, for the 404 body. */
  closestTo(method: string, path: string): { method: string; path: string }[] {
    this.nearby ??= new ClosestIndex(this.routes, (r) => `${r.method} ${r.path}`);
    return this.nearby.closest(`${method} ${path}`).map((r) => ({ method: r.method, path: r.path }));
  }

  private allowedMethods(path: string): string[] {
    const allow: string[] = [];
    const literal = this.literal(path);
    for (const m of ANY_METHODS) if (literal?.has(m) || this.specific?.find(m, path) || this.any?.find(m, path)) allow.push(m);
    return allow;
  }

  private insert(route: CompiledRoute, replace: boolean): void {
    const key = routeShapeKey(route.method, route.path);
    const sameId = this.byId.get(route.id) ?? -1;
    const holder = this.byShape.get(key);
    const clash = holder && holder.id !== route.id ? holder : undefined;
    if (clash) {
      throw new MockForgeError("MFG_ERR_ROUTE_DUPLICATE", `Route ${route.method} ${route.path} duplicates route '${clash.id}' (${clash.method} ${clash.path})`, {
        hint: "Two routes may not share a method and path; remove one, or replace it by id",
      });
    }
    if (sameId >= 0) {
      if (!replace) {
        throw new MockForgeError("MFG_ERR_ROUTE_DUPLICATE", `A route with id '${route.id}' already exists`, { hint: "Use PUT /__mockforge/routes/<id> to replace it" });
      }
      const old = this.routes[sameId]!;
      this.byShape.delete(routeShapeKey(old.method, old.path));
      this.routes[sameId] = route;
    } else {
      this.byId.set(route.id, this.routes.length);
      this.routes.push(route);
    }
    this.byShape.set(key, route);
  }

  /** `reindex`: false when `insert` kept the id and shape maps up to date (all but `remove`). */
  private rebuild(reindex = true): void {
    this.nearby = null;
    if (reindex) {
      this.byId = new Map(this.routes.map((r, i) => [r.id, i]));
      this.byShape = new Map(this.routes.map((r) => [routeShapeKey(r.method, r.path), r]));
    }
    const exact = new Map<string, Map<string, CompiledRoute>>();
    const routed: { route: CompiledRoute; path: string }[] = [];
    for (const r of this.routes) {
      const path = toRouterPath(r.path);
      if (r.method !== "ANY" && isLiteralPath(path)) {
        // Stored in the form requests are looked up in (`/dir/` is `/dir`, as in the router).
        const key = literalForm(path)!;
        const byMethod = exact.get(key) ?? new Map<string, CompiledRoute>();
        byMethod.set(r.method, r);
        exact.set(key, byMethod);
      } else routed.push({ route: r, path });
    }
    const newRouter = routerMaker<CompiledRoute>(routed.map((r) => r.path));
    const specific = routed.some((r) => r.route.method !== "ANY") ? newRouter() : null;
    const any = routed.some((r) => r.route.method === "ANY") ? newRouter() : null;
    for (const { route: r, path } of routed) {
      try {
        if (r.method === "ANY") any!.on(ANY_METHODS, path, r);
        else specific!.on([r.method], path, r);
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
