/**
 * Route paths accept both `:id` and `{id}` segments; the router speaks `:id`.
 * Two paths that differ only in parameter names are the same route.
 */
export function toRouterPath(path: string): string {
  if (!path.includes("{")) return path;
  return path.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ":$1");
}

/** A key under which `/users/:id`, `/users/{id}` and `/users/:name` collide. */
export function routeShapeKey(method: string, path: string): string {
  // Most paths have no parameter: skip the two regular expressions (a config of 100k routes).
  if (!path.includes(":") && !path.includes("{")) return `${method.toUpperCase()} ${path}`;
  return `${method.toUpperCase()} ${toRouterPath(path).replace(/:[A-Za-z_][A-Za-z0-9_]*/g, ":")}`;
}

/** Methods an `ANY` route answers. */
export const ANY_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;
