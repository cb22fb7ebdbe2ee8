/**
 * JSON Schema validation of request parts with ajv: draft-07 rules for OpenAPI 3.0 schemas
 * (after turning `nullable` and boolean `exclusiveMinimum/Maximum` into their JSON Schema
 * forms), the 2020-12 build for 3.1. Every file of the spec is added to ajv under its file URL,
 * so `$ref`s across files and recursive schemas resolve as ajv resolves any `$ref`. Validators
 * are compiled on the first value they check: a spec of 1,000 operations compiles only what is requested.
 */
import AjvDraft7 from "ajv";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { pathToFileURL } from "node:url";
import { pointerTokens } from "./spec-problem.js";
import type { Located, SpecSet } from "./spec-set.js";

export interface SchemaError {
  /** JSON pointer of the failing value, e.g. `/body/items/0/qty`. */
  pointer: string;
  message: string;
}

export type ValidateFn = (value: unknown) => SchemaError[];

type AjvLike = InstanceType<typeof AjvDraft7.default>;

/** OpenAPI's own formats: the integer sizes and base64 are checked, the others only named. */
const NUMBER_FORMATS: Record<string, (n: number) => boolean> = {
  int32: (n) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647,
  int64: (n) => Number.isInteger(n),
  float: () => true,
  double: () => true,
};
const STRING_FORMATS: Record<string, (s: string) => boolean> = {
  byte: (s) => /^[A-Za-z0-9+/]*={0,2}$/.test(s),
  binary: () => true,
  password: () => true,
};

export interface SchemaValidators {
  /** A validator for the schema at `loc`; `coerce` for parameters, which arrive as text. */
  forSchema(loc: Located, coerce: boolean): ValidateFn;
}

export function createSchemaValidators(set: SpecSet, dialect: "oas30" | "oas31"): SchemaValidators {
  const instances = new Map<boolean, AjvLike>();
  const cache = new Map<string, ValidateFn>();
  const ajvFor = (coerce: boolean): AjvLike => {
    let ajv = instances.get(coerce);
    if (ajv) return ajv;
    const options = { strict: false, allErrors: true, validateSchema: false, coerceTypes: coerce ? ("array" as const) : false, addUsedSchema: false };
    ajv = (dialect === "oas31" ? new Ajv2020.default(options) : new AjvDraft7.default(options)) as AjvLike;
    addFormats.default(ajv as never);
    for (const [name, validate] of Object.entries(NUMBER_FORMATS)) ajv.addFormat(name, { type: "number", validate });
    for (const [name, validate] of Object.entries(STRING_FORMATS)) ajv.addFormat(name, { type: "string", validate });
    for (const f of set.files.values()) ajv.addSchema((dialect === "oas30" ? toJsonSchema(f.data) : f.data) as object, fileId(f.path));
    instances.set(coerce, ajv);
    return ajv;
  };
  return {
    forSchema(loc, coerce) {
      const key = `${coerce}|${loc.file.path}#${loc.pointer}`;
      let fn = cache.get(key);
      if (fn) return fn;
      // Compiled on the first value it checks, not here: routes are built for every operation
      // at start, and ajv's compile (about 1.5 ms a schema) made a 1,000-operation spec start slow.
      let validate: ReturnType<AjvLike["compile"]> | null = null;
      // A schema ajv cannot compile fails every value with the same reason, compiled once.
      let unusable: SchemaError[] | null = null;
      fn = (value) => {
        if (unusable) return unusable;
        if (validate === null) {
          try {
            validate = ajvFor(coerce).compile({ $ref: `${fileId(loc.file.path)}#${loc.pointer.split("/").map(encodeURIComponent).join("/")}` });
          } catch (e) {
            unusable = [{ pointer: "", message: `the spec's schema at ${loc.file.path}#${loc.pointer} cannot be compiled: ${(e as Error).message}` }];
            return unusable;
          }
        }
        if (validate(value)) return [];
        return (validate.errors ?? []).map((e) => ({ pointer: e.instancePath, message: errorMessage(e) }));
      };
      cache.set(key, fn);
      return fn;
    },
  };
}

function fileId(path: string): string {
  return pathToFileURL(path).href;
}

function errorMessage(e: { keyword: string; message?: string; params: Record<string, unknown> }): string {
  if (e.keyword === "required") return `must have property '${String(e.params.missingProperty)}'`;
  if (e.keyword === "additionalProperties") return `must not have property '${String(e.params.additionalProperty)}'`;
  if (e.keyword === "enum") return `must be one of ${JSON.stringify(e.params.allowedValues)}`;
  return e.message ?? e.keyword;
}

/**
 * An OpenAPI 3.0 document with its schema dialect turned into JSON Schema draft-07: `nullable:
 * true` adds `null` to `type`, boolean `exclusiveMinimum`/`exclusiveMaximum` become numbers.
 * Data keywords (`example`, `default`, `enum`) are copied untouched. Returns a copy.
 */
export function toJsonSchema(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toJsonSchema);
  if (v === null || typeof v !== "object") return v;
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(src)) out[k] = k === "example" || k === "examples" || k === "default" || k === "enum" ? x : toJsonSchema(x);
  if (src.nullable === true) {
    if (typeof src.type === "string") out.type = [src.type, "null"];
    else if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    delete out.nullable;
  }
  for (const [flag, bound] of [["exclusiveMinimum", "minimum"], ["exclusiveMaximum", "maximum"]] as const) {
    if (typeof src[flag] === "boolean") {
      if (src[flag] && typeof src[bound] === "number") {
        out[flag] = src[bound];
        delete out[bound];
      } else delete out[flag];
    }
  }
  return out;
}

/** Reads the value at a JSON pointer (for messages and tests). */
export function valueAt(doc: unknown, pointer: string): unknown {
  let v = doc;
  for (const t of pointerTokens(pointer)) v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[t] : undefined;
  return v;
}
