/**
 * The config's JSON Schema (`mockforge schema`), for editor completion and checking with
 * yaml-language-server or VS Code. Generated from the zod schemas, so it never drifts.
 */
import { z } from "zod";
import { caseTwin } from "./key-case.js";
import { configSchema } from "./schema/config.js";

type JsonObject = Record<string, unknown>;

/**
 * JSON Schema (draft 2020-12) of any config-style schema. Describes the input side (keys with
 * defaults are optional); recursive (`z.lazy`) parts become `$defs` references, anything JSON
 * Schema cannot express is left open rather than failing. Every snake_case property gets its
 * camelCase twin, since the loader accepts both spellings.
 */
export function toConfigJsonSchema(schema: z.ZodType): JsonObject {
  const json = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input", unrepresentable: "any", cycles: "ref", reused: "inline" }) as JsonObject;
  addCamelCaseTwins(json, 0);
  return json;
}

/**
 * The JSON Schema of the whole config file.
 *
 * @example
 * const schema = configJsonSchema();
 * Object.keys(schema.properties) // ["$schema", "http", "routes", "storage", …]
 */
export function configJsonSchema(): JsonObject & { properties: JsonObject } {
  return toConfigJsonSchema(configSchema) as JsonObject & { properties: JsonObject };
}

/** Adds `storeAs` next to `store_as` in every object schema (same subschema, not required). */
function addCamelCaseTwins(node: unknown, depth: number): void {
  if (depth > 200 || node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const item of node) addCamelCaseTwins(item, depth + 1);
    return;
  }
  const obj = node as JsonObject;
  for (const value of Object.values(obj)) addCamelCaseTwins(value, depth + 1);
  const props = obj.properties;
  if (obj.type !== "object" || props === null || typeof props !== "object") return;
  for (const key of Object.keys(props)) {
    const twin = key.includes("_") ? caseTwin(key) : null;
    if (twin !== null && !Object.hasOwn(props, twin)) (props as JsonObject)[twin] = (props as JsonObject)[key];
  }
}
