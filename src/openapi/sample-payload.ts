/**
 * Payloads for a media type: a named example, the `example`, the first named example, or a
 * sample of the schema made by openapi-sampler. The sampler is deterministic (same schema, same
 * payload) and honours `const`, `enum`, `default`, `examples` and `format`; cycles are cut by it.
 */
import { sample } from "openapi-sampler";
import { MockForgeError } from "../core/errors.js";
import { schemaGraph } from "./schema-graph.js";
import type { MediaModel } from "./spec-media.js";
import type { SpecSet } from "./spec-set.js";

export type PayloadSource = "named-example" | "example" | "first-example" | "sample" | "none";

/**
 * @param direction `response` leaves writeOnly properties out; `request` (callbacks, webhooks) readOnly ones.
 * @throws MockForgeError MFG_ERR_OPENAPI_EXAMPLE_NOT_FOUND when `name` is not one of the media's examples
 */
export function payloadFor(set: SpecSet, media: MediaModel | null, direction: "request" | "response", name?: string): { value: unknown; source: PayloadSource } {
  if (name !== undefined) {
    if (media && media.examples.has(name)) return { value: media.examples.get(name), source: "named-example" };
    const known = media ? [...media.examples.keys()] : [];
    throw new MockForgeError("MFG_ERR_OPENAPI_EXAMPLE_NOT_FOUND", `No example named '${name}'`, {
      hint: known.length > 0 ? `known examples: ${known.join(", ")}` : "this payload has no named examples",
      known,
    });
  }
  if (!media) return { value: undefined, source: "none" };
  if (media.example) return { value: media.example.value, source: "example" };
  const first = media.examples.entries().next();
  if (!first.done) return { value: first.value[1], source: "first-example" };
  if (!media.schema) return { value: undefined, source: "none" };
  return { value: sampleSchema(set, media.schema, direction), source: "sample" };
}

/** A deterministic sample of the schema at `loc`. */
export function sampleSchema(set: SpecSet, loc: NonNullable<MediaModel["schema"]>, direction: "request" | "response"): unknown {
  const graph = schemaGraph(set, loc);
  if (typeof graph === "boolean") return graph ? {} : undefined;
  return sample(graph as object, { skipWriteOnly: direction === "response", skipReadOnly: direction === "request", quiet: true });
}
