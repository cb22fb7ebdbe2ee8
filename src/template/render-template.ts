import type { EvalEnv } from "../expr/index.js";
import { compileTemplate, type Template } from "./compile-template.js";

const objectCache = new WeakMap<object, Template>();
const STRING_CACHE_LIMIT = 5000;
const stringCache = new Map<string, Template>();

/**
 * Compiles (once per object identity or string, cached) and renders a value in one call.
 * Prefer `compileTemplate` at load time where a config path is known for error messages.
 *
 * @example
 * renderTemplate("{{base_url}}/api/orders", { base_url: "http://127.0.0.1:3000" }, env)
 * // "http://127.0.0.1:3000/api/orders"
 */
export function renderTemplate(value: unknown, scope: Record<string, unknown>, env: EvalEnv): unknown {
  if (typeof value === "string") {
    if (!value.includes("{{")) return value;
    let t = stringCache.get(value);
    if (!t) {
      t = compileTemplate(value);
      if (stringCache.size >= STRING_CACHE_LIMIT) stringCache.delete(stringCache.keys().next().value as string);
      stringCache.set(value, t);
    }
    return t.render(scope, env);
  }
  if (typeof value !== "object" || value === null) return value;
  let t = objectCache.get(value);
  if (!t) {
    t = compileTemplate(value);
    objectCache.set(value, t);
  }
  return t.render(scope, env);
}
