import { createHash, createHmac } from "node:crypto";
import { MockForgeError } from "../core/errors.js";
import type { EvalEnv } from "./types.js";
import { asNumber, describeValue, toText } from "./values.js";

interface FunctionDef {
  readonly min: number;
  readonly max: number;
  readonly signature: string;
  readonly call: (args: unknown[], env: EvalEnv) => unknown;
}

/** ISO-8601 UTC text of the env clock: the one definition of `now`. */
export function nowIso(env: EvalEnv): string {
  return new Date(env.clock.now()).toISOString();
}

/** Whole seconds since the epoch from the env clock: the one definition of `now_unix`. */
export function nowUnix(env: EvalEnv): number {
  return Math.floor(env.clock.now() / 1000);
}

function integerArg(v: unknown, fn: string, which: string): number {
  const n = asNumber(v);
  if (n === undefined || !Number.isSafeInteger(n)) {
    throw new MockForgeError("MFG_ERR_EXPR_EVAL", `${fn}() needs an integer as ${which}, got ${describeValue(v)}`, {
      hint: `Example: ${fn}(1, 100)`,
    });
  }
  return n;
}

/** `'hex'` (default) or `'base64'`: how an HMAC's digest BYTES are written (base64 of the bytes, not of the hex text). */
function digestEncoding(v: unknown, fn: string): "hex" | "base64" {
  if (v === undefined) return "hex";
  const e = toText(v);
  if (e === "hex" || e === "base64") return e;
  throw new MockForgeError("MFG_ERR_EXPR_EVAL", `${fn}() encodes its digest as 'hex' or 'base64', got ${describeValue(v)}`, {
    hint: `Example: ${fn}(env.SECRET, body, 'base64')`,
  });
}

function hmac(algorithm: "sha256" | "sha1"): FunctionDef {
  const fn = `hmac_${algorithm}`;
  return {
    min: 2,
    max: 3,
    signature: `${fn}(key, x, 'hex' | 'base64')`,
    call: ([k, x, enc]) => createHmac(algorithm, toText(k)).update(toText(x)).digest(digestEncoding(enc, fn)),
  };
}

/**
 * The only callable functions. A table (not a switch over names) so the parser can check
 * names and arities at load time and error messages can list what exists.
 */
const TABLE: Readonly<Record<string, FunctionDef>> = Object.freeze({
  hash: { min: 1, max: 1, signature: "hash(x)", call: ([x]) => createHash("sha256").update(toText(x)).digest("hex") },
  hmac_sha256: hmac("sha256"),
  hmac_sha1: hmac("sha1"),
  base64: { min: 1, max: 1, signature: "base64(x)", call: ([x]) => Buffer.from(toText(x), "utf8").toString("base64") },
  // json(undefined) is "null" so the result is always valid JSON text.
  json: { min: 1, max: 1, signature: "json(x)", call: ([x]) => JSON.stringify(x) ?? "null" },
  uuid: { min: 0, max: 0, signature: "uuid()", call: (_a, env) => env.random.uuid() },
  now: { min: 0, max: 0, signature: "now()", call: (_a, env) => nowIso(env) },
  now_unix: { min: 0, max: 0, signature: "now_unix()", call: (_a, env) => nowUnix(env) },
  random_int: {
    min: 2,
    max: 2,
    signature: "random_int(a, b)",
    call: ([a, b], env) => {
      const lo = integerArg(a, "random_int", "its first argument");
      const hi = integerArg(b, "random_int", "its second argument");
      if (lo > hi) {
        throw new MockForgeError("MFG_ERR_EXPR_EVAL", `random_int(${lo}, ${hi}): the first bound is above the second`, {
          hint: "Both bounds are inclusive; write the smaller one first.",
        });
      }
      return env.random.int(lo, hi);
    },
  },
  lower: { min: 1, max: 1, signature: "lower(x)", call: ([x]) => toText(x).toLowerCase() },
  upper: { min: 1, max: 1, signature: "upper(x)", call: ([x]) => toText(x).toUpperCase() },
});

/** Names of the callable functions, in table order. */
export const FUNCTION_NAMES: readonly string[] = Object.freeze(Object.keys(TABLE));

/** The table entry for `name`, or undefined when it is not a function expressions may call. */
export function lookupFunction(name: string): FunctionDef | undefined {
  return Object.hasOwn(TABLE, name) ? TABLE[name] : undefined;
}

/** The hint listing every function with its arguments. */
export function functionListHint(): string {
  return `Available functions: ${FUNCTION_NAMES.map((n) => TABLE[n]!.signature).join(", ")}.`;
}
