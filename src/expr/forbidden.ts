import { MockForgeError } from "../core/errors.js";

/**
 * Property names that lead from data to code (prototype tricks). Own-property lookup already
 * makes them unreachable; refusing them outright turns an attempt into a clear, coded error
 * instead of a silent `undefined`.
 */
export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set([
  "constructor",
  "__proto__",
  "prototype",
  "__defineGetter__",
  "__defineSetter__",
  "__lookupGetter__",
  "__lookupSetter__",
]);

export function isForbiddenName(name: string): boolean {
  return FORBIDDEN_NAMES.has(name);
}

/** The error for a forbidden property name, written literally (parse time) or computed (evaluation). */
export function forbiddenNameError(name: string, source: string, position?: number): MockForgeError {
  return new MockForgeError(
    "MFG_ERR_EXPR_FORBIDDEN",
    `Expression \`${source}\` reads '${name}', which expressions may not access`,
    {
      ...(position === undefined ? {} : { position }),
      expression: source,
      hint: `Expressions read data only; '${[...FORBIDDEN_NAMES].join("', '")}' are refused.`,
    },
  );
}
