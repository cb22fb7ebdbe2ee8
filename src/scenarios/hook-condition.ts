/**
 * A hook's or action's `condition`, compiled once: a typed condition (SPEC §5) or an expression
 * string (SPEC §8, `{{ }}` allowed). Either way evaluation never throws: a condition that cannot
 * be decided (missing variable, failing expression) is false, with a warning saying why.
 */
import type { HookCondition } from "../config/schema/chaos.js";
import { describeError } from "../core/errors.js";
import { compileCondition } from "../template/index.js";
import type { ExecutionContext } from "./execution-context.js";
import type { HookServices } from "./hook-services.js";
import { evaluateTypedCondition } from "./typed-condition.js";

export interface CompiledHookCondition {
  evaluate(ctx: ExecutionContext, services: HookServices, warn: (message: string) => void): boolean;
}

const cache = new WeakMap<object, CompiledHookCondition>();
const stringCache = new Map<string, CompiledHookCondition>();

/**
 * Throws MFG_ERR_EXPR_SYNTAX / MFG_ERR_TEMPLATE_SYNTAX for a bad expression string.
 *
 * @example
 * compileHookCondition({ type: "equals", variable: "response_status", value: 200 }).evaluate(ctx, services, warn)
 * compileHookCondition("variables.response_status >= 400").evaluate(ctx, services, warn)
 */
export function compileHookCondition(condition: HookCondition): CompiledHookCondition {
  if (typeof condition === "string") {
    const hit = stringCache.get(condition);
    if (hit) return hit;
    const compiled = compileCondition(condition);
    const out: CompiledHookCondition = {
      evaluate(ctx, services, warn) {
        try {
          return compiled.evaluate(ctx.templateScope(services), { clock: services.clock, random: services.random, strict: true, warn });
        } catch (e) {
          warn(`condition \`${condition}\` could not be evaluated (${describeError(e).message}): evaluated as false`);
          return false;
        }
      },
    };
    if (stringCache.size > 1000) stringCache.clear();
    stringCache.set(condition, out);
    return out;
  }
  const hit = cache.get(condition);
  if (hit) return hit;
  const out: CompiledHookCondition = { evaluate: (ctx, _services, warn) => evaluateTypedCondition(condition, ctx, warn) };
  cache.set(condition, out);
  return out;
}
