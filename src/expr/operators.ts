import { MockForgeError } from "../core/errors.js";
import { matchesPattern } from "./regex.js";
import type { BinaryOperator } from "./types.js";
import { asNumber, deepEqual, describeValue, isNumericString, toText } from "./values.js";

/**
 * `==`: null and undefined equal each other; a number equals a numeric string holding it
 * (`status == '201'`); objects and arrays compare by content; everything else strictly.
 */
export function looseEquals(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined) return b === null || b === undefined;
  if (b === null || b === undefined) return false;
  if (typeof a === "number" && isNumericString(b)) return a === Number(b);
  if (typeof b === "number" && isNumericString(a)) return Number(a) === b;
  if (typeof a === "object" && typeof b === "object") return deepEqual(a, b);
  return a === b;
}

/** `< <= > >=`: numeric when both sides are numbers or numeric strings, text order when both are strings, else false. */
export function compare(op: "<" | "<=" | ">" | ">=", a: unknown, b: unknown): boolean {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) return order(op, x, y);
  if (typeof a === "string" && typeof b === "string") return order(op, a, b);
  return false;
}

function order<T extends number | string>(op: "<" | "<=" | ">" | ">=", x: T, y: T): boolean {
  switch (op) {
    case "<":
      return x < y;
    case "<=":
      return x <= y;
    case ">":
      return x > y;
    case ">=":
      return x >= y;
  }
}

/**
 * `haystack contains needle`: substring of a string, an element of an array (by `==`), an own
 * key of an object. Anything else is false rather than an error, so conditions over request
 * bodies of varying shape stay quiet.
 */
export function contains(haystack: unknown, needle: unknown): boolean {
  if (typeof haystack === "string") {
    return (typeof needle === "string" || typeof needle === "number") && haystack.includes(String(needle));
  }
  if (Array.isArray(haystack)) return haystack.some((item) => looseEquals(item, needle));
  if (typeof haystack === "object" && haystack !== null) {
    return (typeof needle === "string" || typeof needle === "number") && Object.hasOwn(haystack, String(needle));
  }
  return false;
}

/** `+`: numbers add; anything else joins as text (null → "", objects → JSON text). */
export function plus(a: unknown, b: unknown): unknown {
  if (typeof a === "number" && typeof b === "number") return a + b;
  return toText(a) + toText(b);
}

function numeric(op: string, v: unknown): number {
  const n = asNumber(v);
  if (n === undefined) {
    throw new MockForgeError("MFG_ERR_EXPR_EVAL", `'${op}' needs numbers, got ${describeValue(v)}`, {
      hint: op === "-" || op === "+" ? "Use + to join text; - * / % work on numbers only." : "- * / % work on numbers only.",
    });
  }
  return n;
}

/** Every binary operator except the short-circuiting AND/OR, which the evaluator handles. */
export function applyBinary(op: Exclude<BinaryOperator, "AND" | "&&" | "OR" | "||">, a: unknown, b: unknown): unknown {
  switch (op) {
    case "==":
      return looseEquals(a, b);
    case "!=":
      return !looseEquals(a, b);
    case "<":
    case "<=":
    case ">":
    case ">=":
      return compare(op, a, b);
    case "contains":
      return contains(a, b);
    case "in":
      return contains(b, a);
    case "matches":
      return matchesPattern(a, b);
    case "+":
      return plus(a, b);
    case "-":
      return numeric(op, a) - numeric(op, b);
    case "*":
      return numeric(op, a) * numeric(op, b);
    case "/":
      return numeric(op, a) / numeric(op, b);
    case "%":
      return numeric(op, a) % numeric(op, b);
    default: {
      const never: never = op;
      throw new Error(`unhandled operator ${String(never)}`);
    }
  }
}

/** Unary minus/plus: numbers and numeric strings only (`+query.limit` turns text into a number). */
export function applySign(op: "-" | "+", v: unknown): number {
  const n = numeric(op, v);
  return op === "-" ? -n : n;
}
