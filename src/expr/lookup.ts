import { MockForgeError } from "../core/errors.js";
import { didYouMean } from "./did-you-mean.js";
import { forbiddenNameError, isForbiddenName } from "./forbidden.js";
import { nowIso, nowUnix } from "./functions.js";
import type { EvalEnv } from "./types.js";
import { describeValue } from "./values.js";

/** Names that resolve to a value when the scope does not define them. */
export const BUILTIN_NAMES: readonly string[] = Object.freeze(["now", "now_unix", "uuid"]);

/** Marks "no such property", distinct from a property whose value is `undefined`. */
export const MISSING: unique symbol = Symbol("missing");

const INDEX = /^(?:0|[1-9]\d*)$/;

function indexOf(key: string | number): number | undefined {
  if (typeof key === "number") return Number.isInteger(key) && key >= 0 ? key : undefined;
  return INDEX.test(key) ? Number(key) : undefined;
}

/**
 * Reads one property the safe way: own properties of objects only; arrays and strings give
 * `length` and integer positions and nothing else (no methods, nothing from a prototype).
 * A function value is refused: expressions handle data, never code.
 */
export function readMember(obj: unknown, key: string | number, source: string): unknown {
  if (typeof key === "string" && isForbiddenName(key)) throw forbiddenNameError(key, source);
  let value: unknown = MISSING;
  if (typeof obj === "string" || Array.isArray(obj)) {
    if (key === "length") value = obj.length;
    else {
      const i = indexOf(key);
      if (i !== undefined && i < obj.length) value = obj[i];
    }
  } else if (typeof obj === "object" && obj !== null) {
    const k = String(key);
    if (Object.hasOwn(obj, k)) value = (obj as Record<string, unknown>)[k];
  }
  if (typeof value === "function") {
    throw new MockForgeError("MFG_ERR_EXPR_FORBIDDEN", `Expression \`${source}\` reads '${key}', which is a function`, {
      expression: source,
      hint: "Expressions read data only; call one of the built-in functions instead.",
    });
  }
  return value;
}

/** Resolves a root name: the scope's own property, else a built-in value, else MISSING. */
export function readRoot(name: string, scope: Record<string, unknown>, env: EvalEnv, source: string): unknown {
  if (Object.hasOwn(scope, name)) {
    const value = scope[name];
    if (typeof value === "function") return readMember(scope, name, source);
    return value;
  }
  switch (name) {
    case "now":
      return nowIso(env);
    case "now_unix":
      return nowUnix(env);
    case "uuid":
      return env.random.uuid();
    default:
      return MISSING;
  }
}

/** The error for an unknown root name in strict mode, listing what is known. */
export function missingNameError(name: string, path: string, scope: Record<string, unknown>, source: string): MockForgeError {
  const known = [...Object.keys(scope), ...BUILTIN_NAMES.filter((b) => !Object.hasOwn(scope, b))];
  const guess = didYouMean(name, known);
  const list = `Known names here: ${known.join(", ") || "(none)"}.`;
  return new MockForgeError(
    "MFG_ERR_EXPR_MISSING_NAME",
    `Expression \`${source}\` refers to '${path}', but there is no name '${name}'`,
    { expression: source, name: path, hint: guess ? `Did you mean '${guess}'? ${list}` : list },
  );
}

/** A computed member key must be text or a number; anything else is a mistake worth an error. */
export function checkComputedKey(key: unknown, path: string, source: string): string | number | undefined {
  if (typeof key === "string" || typeof key === "number") return key;
  if (key === null || key === undefined) return undefined;
  throw new MockForgeError(
    "MFG_ERR_EXPR_EVAL",
    `Expression \`${source}\`: the index in '${path}' must be text or a number, got ${describeValue(key)}`,
    { expression: source },
  );
}
