/**
 * Reads the structure of a zod 4 schema from its definition (`schema._zod.def`), which is how
 * the normaliser knows which keys an object takes. Config schemas use no transforms, so the
 * definition is the whole truth about what the config may hold.
 */
import type { z } from "zod";

export type AnySchema = z.ZodType;

/** The parts of a zod 4 definition the walker reads; every field is optional because kinds differ. */
export interface SchemaDef {
  type: string;
  shape?: Record<string, AnySchema>;
  catchall?: AnySchema;
  innerType?: AnySchema;
  element?: AnySchema;
  items?: AnySchema[];
  rest?: AnySchema | null;
  options?: AnySchema[];
  discriminator?: string;
  valueType?: AnySchema;
  getter?: () => AnySchema;
  in?: AnySchema;
}

/** The definition of a schema. */
export function defOf(schema: AnySchema): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/** Wrappers that do not change what a present value must look like. */
const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "nonoptional", "catch"]);

/**
 * Strips wrappers (`optional`, `default`, …), resolves `lazy` and takes a pipe's input side,
 * returning the schema that decides the value's shape. Bounded, so a lazy schema that returns
 * itself cannot loop.
 */
export function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  for (let i = 0; i < 64; i++) {
    const def = defOf(s);
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === "lazy" && def.getter) s = def.getter();
    else if (def.type === "pipe" && def.in) s = def.in;
    else return s;
  }
  return s;
}

/** What kind of value a schema accepts, coarsely: enough to pick union branches worth walking. */
export type ValueKind = "object" | "array" | "any" | "scalar";

export function kindOf(schema: AnySchema): ValueKind[] {
  const def = defOf(unwrap(schema));
  switch (def.type) {
    case "object":
    case "record":
    case "map":
      return ["object"];
    case "array":
    case "tuple":
      return ["array"];
    case "unknown":
    case "any":
      return ["any"];
    case "union":
      return [...new Set((def.options ?? []).flatMap(kindOf))];
    case "intersection":
      return ["object"];
    default:
      return ["scalar"];
  }
}

/** True for a value a YAML/JSON mapping produces (not an array, not null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The kind of a parsed value, in `kindOf`'s terms. */
export function kindOfValue(v: unknown): ValueKind {
  if (Array.isArray(v)) return "array";
  if (isPlainObject(v)) return "object";
  return "scalar";
}

/**
 * The branch of a discriminated union that `value` names (by its discriminator, e.g. `type`),
 * or null when it names none (zod then reports the bad discriminator).
 */
export function pickDiscriminated(options: readonly AnySchema[], discriminator: string, value: unknown): AnySchema | null {
  if (!isPlainObject(value)) return null;
  const tag = value[discriminator];
  for (const option of options) {
    const values = (option as unknown as { _zod: { propValues?: Record<string, Set<unknown>> } })._zod.propValues;
    if (values?.[discriminator]?.has(tag)) return option;
  }
  return null;
}
