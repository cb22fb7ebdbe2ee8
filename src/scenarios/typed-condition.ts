/**
 * Evaluates the typed conditions of SPEC §5 (`equals`, `greater_than_or_equal`, `and`, …)
 * against a scenario's execution state. Numeric strings compare as numbers (`"200"` equals
 * `200`), and a condition naming a variable that does not exist is false, with a warning
 * recorded, rather than an error: a hook whose condition cannot be decided is simply skipped.
 */
import type { TypedCondition } from "../config/schema/chaos.js";
import { compilePattern, looseEquals, MAX_MATCH_INPUT, toText, type Pattern } from "../expr/index.js";

/** What a typed condition reads: variables and paths, and the outcome of the last finished step. */
export interface ConditionSubject {
  /** Resolves `order_status`, `variables.x`, `steps.create_order.status`, … */
  resolve(variable: string): { found: boolean; value: unknown };
  /** Outcome of the most recently finished step, undefined before the first. */
  previousStepOutcome(): "succeeded" | "failed" | undefined;
}

/**
 * @example
 * evaluateTypedCondition(
 *   { type: "greater_than_or_equal", variable: "response_status", value: 400 },
 *   subject, (w) => warnings.push(w),
 * ) // true when variables.response_status is 404 or "404"
 */
export function evaluateTypedCondition(cond: TypedCondition, subject: ConditionSubject, warn: (message: string) => void): boolean {
  switch (cond.type) {
    case "equals":
      return withVariable(cond.variable, subject, warn, cond.type, (v) => same(v, cond.value));
    case "not_equals":
      return withVariable(cond.variable, subject, warn, cond.type, (v) => !same(v, cond.value));
    case "greater_than":
      return withVariable(cond.variable, subject, warn, cond.type, (v) => compare(v, cond.value, cond, warn, (c) => c > 0));
    case "greater_than_or_equal":
      return withVariable(cond.variable, subject, warn, cond.type, (v) => compare(v, cond.value, cond, warn, (c) => c >= 0));
    case "less_than":
      return withVariable(cond.variable, subject, warn, cond.type, (v) => compare(v, cond.value, cond, warn, (c) => c < 0));
    case "less_than_or_equal":
      return withVariable(cond.variable, subject, warn, cond.type, (v) => compare(v, cond.value, cond, warn, (c) => c <= 0));
    case "exists": {
      // The one condition where a missing variable is an answer, not a problem: no warning.
      const r = subject.resolve(cond.variable);
      return r.found && r.value !== null && r.value !== undefined;
    }
    case "contains":
      return withVariable(cond.variable, subject, warn, cond.type, (v) => contains(v, cond.value));
    case "matches":
      return withVariable(cond.variable, subject, warn, cond.type, (v) => matches(v, cond.pattern ?? cond.value ?? "", cond.variable, warn));
    case "and":
      return cond.conditions.every((c) => evaluateTypedCondition(c, subject, warn));
    case "or":
      return cond.conditions.some((c) => evaluateTypedCondition(c, subject, warn));
    case "not":
      return !evaluateTypedCondition(cond.condition, subject, warn);
    case "previous_step_succeeded":
      return subject.previousStepOutcome() === "succeeded";
    case "previous_step_failed":
      return subject.previousStepOutcome() === "failed";
    default: {
      const never: never = cond;
      throw new Error(`unhandled condition type ${(never as TypedCondition).type}`);
    }
  }
}

function withVariable(
  variable: string,
  subject: ConditionSubject,
  warn: (message: string) => void,
  type: string,
  test: (value: unknown) => boolean,
): boolean {
  const r = subject.resolve(variable);
  if (!r.found) {
    warn(`condition '${type}' names variable '${variable}', which is not set: evaluated as false`);
    return false;
  }
  return test(r.value);
}

const NUMERIC = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

function asNumber(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && NUMERIC.test(v)) return Number(v);
  return undefined;
}

/** Equality where two numeric values (numbers or numeric strings) compare as numbers: `"200.0"` equals `200`. */
function same(a: unknown, b: unknown): boolean {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) return x === y;
  return looseEquals(a, b);
}

/** Numbers (and numeric strings) numerically, two other strings by text order, anything else false with a warning. */
function compare(
  left: unknown,
  right: unknown,
  cond: { type: string; variable: string },
  warn: (message: string) => void,
  test: (c: number) => boolean,
): boolean {
  const x = asNumber(left);
  const y = asNumber(right);
  if (x !== undefined && y !== undefined) return test(x - y);
  if (typeof left === "string" && typeof right === "string") return test(left < right ? -1 : left > right ? 1 : 0);
  warn(`condition '${cond.type}' on '${cond.variable}' cannot compare ${JSON.stringify(left) ?? "undefined"} with ${JSON.stringify(right)}: evaluated as false`);
  return false;
}

/** Substring of a string, element of an array (numeric strings equal their numbers), own key of an object. */
function contains(haystack: unknown, needle: unknown): boolean {
  if (typeof haystack === "string") return needle !== null && haystack.includes(String(needle));
  if (Array.isArray(haystack)) return haystack.some((item) => looseEquals(item, needle));
  if (typeof haystack === "object" && haystack !== null) return needle !== null && Object.hasOwn(haystack, String(needle));
  return false;
}

/**
 * Regex test of the value's text, with the expression language's linear-time engine (a value
 * from a response cannot stall the server); bad or over-long patterns are false with a warning
 * (validation reports them at load).
 */
function matches(value: unknown, pattern: string, variable: string, warn: (message: string) => void): boolean {
  let test: Pattern;
  try {
    test = compilePattern(pattern);
  } catch (e) {
    warn(`condition 'matches' on '${variable}': ${(e as Error).message}: evaluated as false`);
    return false;
  }
  const text = toText(value);
  return text.length <= MAX_MATCH_INPUT && test(text);
}
