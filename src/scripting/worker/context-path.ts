/**
 * Dotted paths for `mockforge.chain_context.get/set`: `"order_response.id"`,
 * `"order_response.items[0].sku"` (same as `items.0.sku`). Plain functions over a JSON object.
 */

export function parseContextPath(path: unknown): string[] {
  if (typeof path !== "string" || path === "") {
    throw new TypeError('mockforge.chain_context: the path must be a non-empty string such as "order_response.id"');
  }
  const parts = path.replace(/\[(\d+)\]/g, ".$1").split(".");
  for (const p of parts) {
    if (p === "" || p === "__proto__" || p === "constructor" || p === "prototype") {
      throw new TypeError(`mockforge.chain_context: ${JSON.stringify(path)} is not a dotted path such as "order_response.items[0].id"`);
    }
  }
  return parts;
}

/** The value at `parts`, or undefined when any step is missing. */
export function getAtPath(root: unknown, parts: string[]): unknown {
  let cur = root;
  for (const k of parts) {
    if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, k)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** Sets (or, for undefined, deletes) the value at `parts`, creating objects on the way. */
export function setAtPath(root: Record<string, unknown>, parts: string[], value: unknown): void {
  let cur: Record<string, unknown> = root;
  for (const k of parts.slice(0, -1)) {
    const next = cur[k];
    if (next === null || typeof next !== "object") cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1]!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
}
