/**
 * What a spec would be served as, for `mockforge openapi inspect` and `GET /__mockforge/openapi`:
 * operations (with how each answers by default), callbacks, webhooks, and problems.
 */
import { defaultResponse } from "./choose-answer.js";
import type { SpecModel } from "./spec-model.js";
import { problemText } from "./spec-problem.js";

export interface SpecDescription {
  file: string;
  title: string;
  version: string;
  operations: { key: string; method: string; path: string; answers: string; examples: string[]; callbacks: { name: string; expression: string; methods: string[] }[] }[];
  webhooks: { name: string; methods: string[]; examples: string[]; body: string }[];
  skipped: string[];
  warnings: string[];
}

export function describeSpec(model: SpecModel): SpecDescription {
  return {
    file: model.file,
    title: model.title,
    version: model.version,
    operations: model.operations.map((op) => {
      const r = defaultResponse(op.responses);
      const media = r?.media;
      const from = !media ? "no body" : media.example ? "example" : media.examples.size > 0 ? `example '${media.examples.keys().next().value}'` : media.schema ? "schema sample" : "no body";
      return {
        key: op.key,
        method: op.method,
        path: op.path,
        answers: r ? `${r.status} ${media?.type ?? ""} (${from})`.replace("  ", " ") : "200 (no responses written)",
        examples: op.responses.flatMap((x) => [...(x.media?.examples.keys() ?? [])].map((n) => `${x.code}:${n}`)),
        callbacks: op.callbacks.map((c) => ({ name: c.name, expression: c.expression, methods: c.operations.map((o) => o.method) })),
      };
    }),
    webhooks: model.webhooks.map((w) => ({
      name: w.name,
      methods: w.operations.map((o) => o.method),
      examples: w.operations.flatMap((o) => [...(o.media?.examples.keys() ?? [])]),
      body: w.operations[0]?.media ? `${w.operations[0].media.type}` : "none",
    })),
    skipped: model.skipped.map(problemText),
    warnings: model.warnings,
  };
}
