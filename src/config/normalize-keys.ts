/**
 * Maps the keys users write onto the schema's canonical (snake_case) keys, guided by the
 * schema itself: `storeAs` becomes `store_as` only where the schema has `store_as`. Keys of
 * user-named maps (headers, variables, extract) and anything inside a free-form value (bodies)
 * are never touched. Unknown keys are reported with the nearest known key; every problem is
 * collected, not just the first.
 */
import type { ErrorCode } from "../core/errors.js";
import { formatPath, pathKey, type PathSegment } from "./config-path.js";
import { caseTwin } from "./key-case.js";
import { defOf, isPlainObject, kindOf, kindOfValue, pickDiscriminated, unwrap, type AnySchema, type SchemaDef } from "./schema-introspect.js";
import { nearest } from "./suggest.js";

/** A problem with a key, located by the path the user wrote. */
export interface KeyProblem {
  /** UNKNOWN_KEY for a key the schema does not have, INVALID for one key written in both spellings. */
  code: Extract<ErrorCode, "MFG_ERR_CONFIG_UNKNOWN_KEY" | "MFG_ERR_CONFIG_INVALID">;
  /** Original path, ending with the offending key. */
  path: PathSegment[];
  message: string;
  hint?: string;
  /** The canonical key suggested, when one is close. */
  suggestion?: string;
}

export interface NormalizedKeys {
  /** The data with canonical keys and unknown keys dropped (they are in `problems`). */
  value: unknown;
  problems: KeyProblem[];
  /** Maps a path in canonical keys (a zod issue path) back to the keys the user wrote. */
  toOriginalPath(path: readonly PropertyKey[]): PathSegment[];
}

/**
 * Where the walk is: each step's key as canonical and as written, linked to its parent. Arrays
 * are made from it only for a rename or a problem: copying both paths at every key was a tenth
 * of loading a config of 20k routes.
 */
interface Trail {
  up: Trail | null;
  canon: PathSegment;
  orig: PathSegment;
}

const step = (up: Trail | null, canon: PathSegment, orig: PathSegment = canon): Trail => ({ up, canon, orig });

function pathOf(t: Trail | null, which: "canon" | "orig", extra?: PathSegment): PathSegment[] {
  const out: PathSegment[] = extra === undefined ? [] : [extra];
  for (let at = t; at !== null; at = at.up) out.push(at[which]);
  return out.reverse();
}

interface Walk {
  problems: KeyProblem[];
  /** pathKey(canonical path) → the key as written, for renamed keys only. */
  renames: Map<string, string>;
}

/**
 * Normalises `data` against `schema`.
 *
 * @example
 * const r = normalizeKeys({ storeAs: "x" }, z.strictObject({ store_as: z.string() }));
 * r.value // { store_as: "x" }; r.problems // []
 */
export function normalizeKeys(data: unknown, schema: AnySchema): NormalizedKeys {
  const ctx: Walk = { problems: [], renames: new Map() };
  const value = walk(data, schema, null, ctx);
  return {
    value,
    problems: ctx.problems,
    toOriginalPath(path) {
      const canonical: PathSegment[] = [];
      const original: PathSegment[] = [];
      for (const seg of path) {
        const s = typeof seg === "number" ? seg : String(seg);
        canonical.push(s);
        original.push(typeof s === "number" ? s : (ctx.renames.get(pathKey(canonical)) ?? s));
      }
      return original;
    },
  };
}

function walk(value: unknown, schema: AnySchema, at: Trail | null, ctx: Walk): unknown {
  const def = defOf(unwrap(schema));
  switch (def.type) {
    case "object":
      return isPlainObject(value) ? walkObject(value, def, at, ctx) : value;
    case "record": {
      if (!isPlainObject(value) || !def.valueType) return value;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        setOwn(out, key, walk(value[key], def.valueType, step(at, key), ctx));
      }
      return out;
    }
    case "array":
      if (!Array.isArray(value) || !def.element) return value;
      return value.map((item, i) => walk(item, def.element!, step(at, i), ctx));
    case "tuple":
      if (!Array.isArray(value)) return value;
      return value.map((item, i) => {
        const itemSchema = def.items?.[i] ?? def.rest;
        return itemSchema ? walk(item, itemSchema, step(at, i), ctx) : item;
      });
    case "union":
      return walkUnion(value, def, at, ctx);
    default:
      // unknown/any (free-form: bodies, variables), scalars, enums, literals: nothing to rename.
      return value;
  }
}

function walkObject(value: Record<string, unknown>, def: SchemaDef, at: Trail | null, ctx: Walk): unknown {
  const shape = def.shape ?? {};
  // z.looseObject / .catchall(x) accept extra keys; z.object (which would silently strip them)
  // is treated as strict, because a silently ignored option is worse than an error.
  const catchall = def.catchall && defOf(def.catchall).type !== "never" ? def.catchall : null;
  const out: Record<string, unknown> = {};
  const given = new Map<string, string>();
  for (const key of Object.keys(value)) {
    const twin = caseTwin(key);
    const canonical = Object.hasOwn(shape, key) ? key : twin !== null && Object.hasOwn(shape, twin) ? twin : null;
    if (canonical === null) {
      if (catchall) setOwn(out, key, walk(value[key], catchall, step(at, key), ctx));
      else ctx.problems.push(unknownKey(key, Object.keys(shape), pathOf(at, "orig", key)));
      continue;
    }
    const first = given.get(canonical);
    if (first !== undefined) {
      ctx.problems.push({
        code: "MFG_ERR_CONFIG_INVALID",
        path: pathOf(at, "orig", key),
        message: `\`${first}\` and \`${key}\` are the same key written twice`,
        hint: `keep one of them (\`${canonical}\` is the canonical spelling)`,
      });
      continue;
    }
    given.set(canonical, key);
    if (canonical !== key) ctx.renames.set(pathKey(pathOf(at, "canon", canonical)), key);
    setOwn(out, canonical, walk(value[key], shape[canonical], step(at, canonical, key), ctx));
  }
  return out;
}

function unknownKey(key: string, known: string[], path: PathSegment[]): KeyProblem {
  const suggestion = nearest(key, known);
  const where = path.length > 1 ? ` in ${formatPath(path.slice(0, -1))}` : "";
  const problem: KeyProblem = { code: "MFG_ERR_CONFIG_UNKNOWN_KEY", path, message: `unknown key \`${key}\`${where}` };
  if (suggestion !== null) {
    // Answer in the user's style: someone writing camelCase gets the camelCase spelling.
    const camel = /[A-Z]/.test(key) ? caseTwin(suggestion) : null;
    problem.hint = `did you mean \`${camel ?? suggestion}\`?`;
    problem.suggestion = suggestion;
  } else {
    problem.hint = known.length > 0 ? `known keys here: ${known.join(", ")}` : "this object takes no keys";
  }
  return problem;
}

/**
 * Plain unions: only branches that accept this kind of value are tried; the one that reports
 * no key problems wins (else the one with fewest), so `[string, object]` with an object walks
 * the object branch and its typos are reported.
 */
function walkUnion(value: unknown, def: SchemaDef, at: Trail | null, ctx: Walk): unknown {
  const options = def.options ?? [];
  if (def.discriminator !== undefined) {
    const branch = pickDiscriminated(options, def.discriminator, value);
    return branch ? walk(value, branch, at, ctx) : value;
  }
  const kind = kindOfValue(value);
  if (kind === "scalar") return value;
  const candidates = options.filter((o) => {
    const kinds = kindOf(o);
    return kinds.includes(kind) || kinds.includes("any");
  });
  let best: { value: unknown; sub: Walk } | null = null;
  for (const option of candidates) {
    const sub: Walk = { problems: [], renames: new Map() };
    const result = walk(value, option, at, sub);
    if (best === null || sub.problems.length < best.sub.problems.length) best = { value: result, sub };
    if (sub.problems.length === 0) break;
  }
  if (best === null) return value;
  ctx.problems.push(...best.sub.problems);
  for (const [k, v] of best.sub.renames) ctx.renames.set(k, v);
  return best.value;
}

/** Defines an own property, so a key named `__proto__` stays data and never becomes a prototype. */
function setOwn(target: Record<string, unknown>, key: string, v: unknown): void {
  // On a fresh object an assignment makes the same data property; only `__proto__` needs the define.
  if (key === "__proto__") Object.defineProperty(target, key, { value: v, enumerable: true, writable: true, configurable: true });
  else target[key] = v;
}
