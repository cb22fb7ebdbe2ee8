/**
 * Loading one spec: read every file → version → model → the shape of every schema that will be
 * sampled or validated. The result is served whole, or (lenient) with its unsound operations
 * left out and listed in `skipped`; never half-loaded without saying so.
 */
import { isAbsolute, resolve } from "node:path";
import { collectModel } from "./collect-model.js";
import { checkSchema } from "./schema-graph.js";
import { isProblem } from "./spec-file.js";
import type { Located } from "./spec-set.js";
import { loadSpecSet } from "./spec-set.js";
import type { OperationModel, SpecModel } from "./spec-model.js";
import { OpenApiError, type SpecProblem } from "./spec-problem.js";

export interface LoadSpecOptions {
  /** Base of a relative path (the config file's folder). */
  dir?: string;
  basePath?: string;
  lenient?: boolean;
}

/**
 * @throws OpenApiError with every problem (or only the fatal ones when lenient)
 * @example
 * const model = await loadSpec("examples/openapi/payments.yaml");
 * model.operations.map((o) => o.key) // ["createPayment", …]
 */
export async function loadSpec(file: string, options: LoadSpecOptions = {}): Promise<SpecModel> {
  const path = isAbsolute(file) ? file : resolve(options.dir ?? process.cwd(), file);
  let model: SpecModel;
  try {
    const set = await loadSpecSet(path, file);
    model = collectModel(set, { ...(options.basePath !== undefined ? { basePath: options.basePath } : {}), lenient: options.lenient ?? false });
  } catch (e) {
    if (isProblem(e)) throw new OpenApiError([e]);
    throw e;
  }
  const seen = new Set<string>();
  const allowBoolean = model.dialect === "oas31";
  const problems: SpecProblem[] = [];
  const sound = (locs: (Located | null)[]): boolean => {
    try {
      for (const l of locs) if (l) checkSchema(model.set, l, allowBoolean, seen);
      return true;
    } catch (e) {
      if (!isProblem(e)) throw e;
      problems.push(e);
      return false;
    }
  };
  model.operations = model.operations.filter((op) => sound(schemasOf(op)));
  model.webhooks = model.webhooks.filter((w) => sound(w.operations.map((o) => o.media?.schema ?? null)));
  if (problems.length > 0 && !options.lenient) throw new OpenApiError(problems);
  model.skipped.push(...problems);
  return model;
}

function schemasOf(op: OperationModel): (Located | null)[] {
  return [
    ...op.parameters.map((p) => p.schema),
    ...(op.requestBody?.media.map((m) => m.schema) ?? []),
    ...op.responses.flatMap((r) => [r.media?.schema ?? null, ...r.headers.map((h) => h.schema)]),
    ...op.callbacks.flatMap((c) => c.operations.map((o) => o.media?.schema ?? null)),
  ];
}
