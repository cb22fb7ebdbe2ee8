/**
 * Turns zod issues into messages a config author can act on: "expected an integer, got the
 * string "abc"", "must be one of GET, POST, … (did you mean `POST`?)". Paths stay in canonical
 * keys here; the loader maps them back to what the user wrote and to line:column.
 */
import type { z } from "zod";
import { isPlainObject } from "./schema-introspect.js";
import { nearest } from "./suggest.js";

type Issue = z.core.$ZodIssue;

export interface SchemaProblem {
  code: "MFG_ERR_CONFIG_INVALID" | "MFG_ERR_CONFIG_UNKNOWN_KEY";
  /** Canonical path (zod's). */
  path: PropertyKey[];
  message: string;
  hint?: string;
  /** The value is absent: position at the parent object instead. */
  missing: boolean;
}

/** Describes every issue; `data` is the value zod parsed (to say what was given). */
export function describeIssues(issues: readonly Issue[], data: unknown, prefix: PropertyKey[] = []): SchemaProblem[] {
  return issues.flatMap((issue) => describeIssue(issue, data, [...prefix, ...issue.path]));
}

function describeIssue(issue: Issue, data: unknown, path: PropertyKey[]): SchemaProblem[] {
  const value = valueAt(data, path);
  const base = { code: "MFG_ERR_CONFIG_INVALID" as const, path, missing: false };
  switch (issue.code) {
    case "invalid_type": {
      if (value === undefined) {
        const key = String(path[path.length - 1]);
        return [{ ...base, missing: true, message: `required key \`${key}\` is missing`, hint: `add \`${key}\`, ${expectedName(issue.expected)}` }];
      }
      return [{ ...base, message: `expected ${expectedName(issue.expected)}, got ${describeValue(value)}` }];
    }
    case "invalid_value": {
      const allowed = issue.values.map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
      const guess = typeof value === "string" ? nearest(value, allowed.filter((a) => a !== value)) : null;
      const message = allowed.length === 1 ? `must be ${allowed[0]}, got ${describeValue(value)}` : `must be one of ${allowed.join(", ")}; got ${describeValue(value)}`;
      return [{ ...base, message, ...(guess ? { hint: `did you mean \`${guess}\`?` } : {}) }];
    }
    case "too_small":
      return [{ ...base, message: sizeMessage("at least", issue.origin, issue.minimum, issue.inclusive, value) }];
    case "too_big":
      return [{ ...base, message: sizeMessage("at most", issue.origin, issue.maximum, issue.inclusive, value) }];
    case "unrecognized_keys":
      return issue.keys.map((key) => ({ ...base, code: "MFG_ERR_CONFIG_UNKNOWN_KEY" as const, path: [...path, key], message: `unknown key \`${key}\`` }));
    case "invalid_union":
      return describeUnion(issue, data, path, value);
    case "invalid_format":
      return [{ ...base, message: issue.message.startsWith("Invalid") ? `must be a valid ${issue.format}, got ${describeValue(value)}` : issue.message }];
    default:
      return [{ ...base, message: issue.message }];
  }
}

function describeUnion(issue: Extract<Issue, { code: "invalid_union" }>, data: unknown, path: PropertyKey[], value: unknown): SchemaProblem[] {
  const base = { code: "MFG_ERR_CONFIG_INVALID" as const, path, missing: false };
  if (issue.discriminator !== undefined && issue.errors.length === 0) {
    const options = ("options" in issue ? (issue.options ?? []) : []).map(String);
    if (value === undefined) return [{ ...base, missing: true, message: `required key \`${issue.discriminator}\` is missing`, hint: `one of: ${options.join(", ")}` }];
    const guess = typeof value === "string" ? nearest(value, options) : null;
    return [{ ...base, message: `unknown ${issue.discriminator} ${describeValue(value)}`, hint: guess ? `did you mean \`${guess}\`?` : `one of: ${options.join(", ")}` }];
  }
  if (issue.errors.length === 0) return [{ ...base, message: issue.message }];
  // A branch that got past the type check (its issues lie deeper than the union itself) is
  // the one the author meant; when none did, the value's type fits no branch at all.
  const deep = issue.errors.filter((branch) => branch.some((i) => i.path.length > 0 || i.code !== "invalid_type"));
  if (deep.length > 0) {
    const best = deep.reduce((a, b) => (b.length < a.length ? b : a));
    return describeIssues(best, data, path);
  }
  const expected = [...new Set(issue.errors.flat().map((i) => (i.code === "invalid_type" ? expectedName(i.expected) : i.message)))];
  return [{ ...base, message: `expected ${expected.join(" or ")}, got ${describeValue(value)}` }];
}

function sizeMessage(bound: "at least" | "at most", origin: string, limit: number | bigint, inclusive: boolean | undefined, value: unknown): string {
  const op = bound === "at least" ? (inclusive === false ? "greater than" : "at least") : inclusive === false ? "less than" : "at most";
  if (origin === "string") return Number(limit) === 1 && bound === "at least" ? "must not be empty" : `must be ${op} ${limit} characters long`;
  if (origin === "array" || origin === "set") return `must have ${op} ${limit} item${Number(limit) === 1 ? "" : "s"}`;
  return `must be ${op} ${limit}, got ${describeValue(value)}`;
}

function expectedName(expected: string): string {
  const names: Record<string, string> = {
    int: "an integer",
    number: "a number",
    string: "a string",
    boolean: "true or false",
    object: "a mapping (key: value)",
    array: "a list",
    null: "null",
  };
  return names[expected] ?? expected;
}

/** `the string "abc"`, `the number 3`, `a list`, `a mapping`, `nothing`. */
export function describeValue(v: unknown): string {
  if (v === undefined || v === null) return "nothing (null)";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === "number" || typeof v === "boolean") return `the ${typeof v} ${String(v)}`;
  if (Array.isArray(v)) return "a list";
  if (isPlainObject(v)) return "a mapping";
  return typeof v;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const seg of path) {
    if (Array.isArray(v) && typeof seg === "number") v = v[seg];
    else if (isPlainObject(v) && Object.hasOwn(v, String(seg))) v = v[String(seg)];
    else return undefined;
  }
  return v;
}
