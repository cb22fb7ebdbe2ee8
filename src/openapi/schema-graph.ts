/**
 * Schemas as plain JS graphs for the sampler: every `$ref` (across files too) replaced by the
 * object it points at, one object per location, so a recursive schema becomes a cyclic graph
 * (which openapi-sampler detects and cuts) instead of an endless tree. Also the load-time
 * check that schema keywords have the right shape, reported with pointer and line.
 */
import { childPointer } from "./spec-problem.js";
import type { Located, SpecSet } from "./spec-set.js";

/** Keywords whose values are data, not schemas: never walked. */
const DATA_KEYWORDS = new Set(["example", "examples", "default", "const", "enum", "x-examples"]);
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);
const JSON_TYPES = new Set(["string", "number", "integer", "boolean", "array", "object", "null"]);

const graphs = new WeakMap<SpecSet, Map<string, unknown>>();

/** The schema at `loc` with every `$ref` inlined (shared objects; do not change them). */
export function schemaGraph(set: SpecSet, loc: Located): unknown {
  let memo = graphs.get(set);
  if (!memo) graphs.set(set, (memo = new Map()));
  return build(set, loc, memo);
}

function build(set: SpecSet, loc: Located, memo: Map<string, unknown>): unknown {
  const v = loc.value;
  if (v === null || typeof v !== "object") return v;
  const key = `${loc.file.path}#${loc.pointer}`;
  if (memo.has(key)) return memo.get(key);
  if (!Array.isArray(v) && typeof (v as { $ref?: unknown }).$ref === "string") {
    const { $ref, ...siblings } = v as Record<string, unknown>;
    const target = set.resolveRef($ref as string, loc);
    if (Object.keys(siblings).length === 0) {
      // A reference loop with no object in it (A → B → A) meets the empty placeholder.
      memo.set(key, {});
      const built = build(set, target, memo);
      memo.set(key, built);
      return built;
    }
    const out: Record<string, unknown> = {};
    memo.set(key, out);
    const rest = { ...loc, value: siblings };
    out.allOf = [build(set, target, memo), buildObject(set, rest, memo, {})];
    return out;
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    memo.set(key, out);
    v.forEach((_, i) => out.push(build(set, set.child(loc, i), memo)));
    return out;
  }
  const out: Record<string, unknown> = {};
  memo.set(key, out);
  return buildObject(set, loc, memo, out);
}

function buildObject(set: SpecSet, loc: Located, memo: Map<string, unknown>, out: Record<string, unknown>): Record<string, unknown> {
  for (const [k, x] of Object.entries(loc.value as Record<string, unknown>)) {
    if (k === "$ref") continue;
    out[k] = DATA_KEYWORDS.has(k) || x === null || typeof x !== "object" ? x : build(set, { file: loc.file, pointer: childPointer(loc.pointer, k), value: x }, memo);
  }
  return out;
}

/**
 * Checks the shape of a schema and everything it references: objects (or booleans in 3.1)
 * where schemas go, `type` one of the JSON types, `required` a list of names. Each location
 * is checked once per spec set.
 *
 * @throws SpecProblem MFG_ERR_OPENAPI_INVALID / MFG_ERR_OPENAPI_REF
 */
export function checkSchema(set: SpecSet, loc: Located, allowBoolean: boolean, seen: Set<string>): void {
  const stack: Located[] = [loc];
  while (stack.length > 0) {
    const cur = stack.pop()!;
    const key = `${cur.file.path}#${cur.pointer}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const v = cur.value;
    if (typeof v === "boolean" && allowBoolean) continue;
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw set.problem(cur, "MFG_ERR_OPENAPI_INVALID", `a schema must be an object${allowBoolean ? " or a boolean" : ""}, got ${JSON.stringify(v)}`);
    const s = v as Record<string, unknown>;
    if (typeof s.$ref === "string") stack.push(set.resolveRef(s.$ref, cur));
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? s.type : [s.type];
      const bad = types.find((t) => typeof t !== "string" || !JSON_TYPES.has(t));
      if (bad !== undefined || types.length === 0) throw set.problem(set.child(cur, "type"), "MFG_ERR_OPENAPI_INVALID", `schema type ${JSON.stringify(s.type)} is not a JSON Schema type`, "one of string, number, integer, boolean, array, object (null in 3.1)");
    }
    if (s.required !== undefined && (!Array.isArray(s.required) || s.required.some((r) => typeof r !== "string"))) {
      throw set.problem(set.child(cur, "required"), "MFG_ERR_OPENAPI_INVALID", "schema `required` must be a list of property names");
    }
    for (const [k, x] of Object.entries(s)) {
      if (DATA_KEYWORDS.has(k) || k === "$ref" || x === null || typeof x !== "object") continue;
      if (SCHEMA_MAPS.has(k)) {
        for (const name of Object.keys(x)) stack.push(set.child(cur, k, name));
      } else if (k === "allOf" || k === "anyOf" || k === "oneOf" || k === "prefixItems") {
        if (!Array.isArray(x)) throw set.problem(set.child(cur, k), "MFG_ERR_OPENAPI_INVALID", `\`${k}\` must be a list of schemas`);
        x.forEach((_, i) => stack.push(set.child(cur, k, i)));
      } else if (k === "items" || k === "additionalProperties" || k === "not" || k === "contains" || k === "propertyNames" || k === "if" || k === "then" || k === "else") {
        if (Array.isArray(x)) x.forEach((_, i) => stack.push(set.child(cur, k, i)));
        else stack.push(set.child(cur, k));
      }
    }
  }
}
