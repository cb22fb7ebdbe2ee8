/**
 * The parts of a spec that carry payloads: media types with their schema, `example` and named
 * `examples`, read once at load. Example Objects may be `$ref`s; `externalValue` is not fetched
 * (a mock server does not download at run time) and is reported as a warning.
 */
import type { Located, SpecSet } from "./spec-set.js";

export interface MediaModel {
  /** `application/json`, … */
  type: string;
  /** The schema (not dereferenced: validators and the sampler follow its `$ref`s), or null. */
  schema: Located | null;
  /** The media type's `example`, when it has one. */
  example: { value: unknown } | null;
  /** Named examples, in the order written. */
  examples: Map<string, unknown>;
}

/** Picks the JSON media type when there is one, else the first. */
export function preferredMedia(content: Located, set: SpecSet, warnings: string[]): MediaModel | null {
  const c = content.value;
  if (!c || typeof c !== "object") return null;
  const types = Object.keys(c);
  if (types.length === 0) return null;
  const type = types.find((t) => /[/+]json(;|$)/i.test(t)) ?? types[0]!;
  return readMedia(set.child(content, type), type, set, warnings);
}

/** Every media type of a `content` map, by type. */
export function allMedia(content: Located, set: SpecSet, warnings: string[]): MediaModel[] {
  const c = content.value;
  if (!c || typeof c !== "object") return [];
  return Object.keys(c).map((t) => readMedia(set.child(content, t), t, set, warnings));
}

function readMedia(loc: Located, type: string, set: SpecSet, warnings: string[]): MediaModel {
  const m = set.deref(loc);
  const v = (m.value ?? {}) as Record<string, unknown>;
  const examples = new Map<string, unknown>();
  const ex = set.child(m, "examples");
  if (ex.value && typeof ex.value === "object") {
    for (const name of Object.keys(ex.value)) {
      const e = set.deref(set.child(ex, name));
      const ev = (e.value ?? {}) as Record<string, unknown>;
      if ("value" in ev) examples.set(name, ev.value);
      else if (typeof ev.externalValue === "string") warnings.push(`${e.file.shown}#${e.pointer}: example '${name}' has only externalValue (${ev.externalValue}); external examples are not fetched`);
    }
  }
  const schema = v.schema === undefined ? null : set.child(m, "schema");
  return { type, schema, example: "example" in v ? { value: v.example } : null, examples };
}
