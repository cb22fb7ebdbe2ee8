/**
 * Spec set → SpecModel. The version is checked first (Swagger 2.0 and unknown versions are
 * refused whatever the mode); then every operation and webhook is read on its own, so a
 * lenient load can keep the sound ones and list the rest.
 */
import { expectObject, kind, readCallbacks, readOutbound, readParameters, readRequestBody, readResponses } from "./read-operation.js";
import { HTTP_METHODS, type OperationModel, type SpecModel, type WebhookModel } from "./spec-model.js";
import { isProblem } from "./spec-file.js";
import { OpenApiError, type SpecProblem } from "./spec-problem.js";
import type { Located, SpecSet } from "./spec-set.js";

export interface CollectOptions {
  /** Prefix of every served path, e.g. `/v1`. */
  basePath?: string;
  lenient?: boolean;
}

/**
 * @throws OpenApiError (MFG_ERR_OPENAPI_SWAGGER2, _VERSION, _INVALID, _REF, _EXPRESSION)
 */
export function collectModel(set: SpecSet, options: CollectOptions = {}): SpecModel {
  const root: Located = { file: set.root, pointer: "", value: set.root.data };
  const doc = versionCheck(set, root);
  const version = String(doc.openapi);
  const problems: SpecProblem[] = [];
  const warnings: string[] = [];
  const attempt = <T>(fn: () => T): T | null => {
    try {
      return fn();
    } catch (e) {
      if (!isProblem(e)) throw e;
      problems.push(e);
      return null;
    }
  };
  const operations: OperationModel[] = [];
  const paths = set.child(root, "paths");
  if (paths.value !== undefined) {
    attempt(() => expectObject(set, paths, "paths"));
    if (paths.value && typeof paths.value === "object" && !Array.isArray(paths.value)) {
      for (const specPath of Object.keys(paths.value)) {
        if (specPath.startsWith("x-")) continue;
        attempt(() => readPath(set, paths, specPath, options.basePath ?? "", warnings, operations));
      }
    }
  } else if (version.startsWith("3.0")) {
    problems.push(set.problem(root, "MFG_ERR_OPENAPI_INVALID", "an OpenAPI 3.0 document needs `paths`"));
  }
  const webhooks: WebhookModel[] = [];
  const wh = set.child(root, "webhooks");
  if (wh.value !== undefined) {
    if (version.startsWith("3.0")) warnings.push(`${set.root.shown}#/webhooks: top-level webhooks are OpenAPI 3.1; read anyway`);
    attempt(() => expectObject(set, wh, "webhooks"));
    if (wh.value && typeof wh.value === "object") {
      for (const name of Object.keys(wh.value)) {
        const ops = attempt(() => readOutbound(set, set.child(wh, name), warnings, `webhook '${name}'`));
        if (ops) webhooks.push({ name, operations: ops });
      }
    }
  }
  if (problems.length > 0 && !options.lenient) throw new OpenApiError(problems);
  const info = (doc.info ?? {}) as { title?: unknown };
  return {
    file: set.root.shown,
    version,
    dialect: version.startsWith("3.0") ? "oas30" : "oas31",
    title: typeof info.title === "string" ? info.title : set.root.shown,
    set,
    operations,
    webhooks,
    skipped: problems,
    warnings,
  };
}

function versionCheck(set: SpecSet, root: Located): Record<string, unknown> {
  if (!root.value || typeof root.value !== "object" || Array.isArray(root.value)) {
    throw new OpenApiError([set.problem(root, "MFG_ERR_OPENAPI_INVALID", `a spec is an object with \`openapi\`, \`info\` and \`paths\`; this file holds ${kind(root.value)}`)]);
  }
  const doc = root.value as Record<string, unknown>;
  if (doc.swagger !== undefined) {
    throw new OpenApiError([
      set.problem(set.child(root, "swagger"), "MFG_ERR_OPENAPI_SWAGGER2", `this is a Swagger ${String(doc.swagger)} document; MockForge serves OpenAPI 3.0 and 3.1`, "convert it to 3.x first, e.g. `npx swagger2openapi spec.yaml -o spec3.yaml`, or with editor.swagger.io (Edit → Convert to OpenAPI 3)"),
    ]);
  }
  const v = doc.openapi;
  if (typeof v !== "string" || !/^3\.[01]\.\d+(-.+)?$/.test(v)) {
    const at = v === undefined ? root : set.child(root, "openapi");
    throw new OpenApiError([
      set.problem(at, "MFG_ERR_OPENAPI_VERSION", v === undefined ? "no `openapi` version field: is this an OpenAPI document?" : `openapi version ${JSON.stringify(v)} is not one MockForge reads`, "known versions: 3.0.x and 3.1.x (write it as a string, e.g. openapi: \"3.1.0\")"),
    ]);
  }
  return doc;
}

function readPath(set: SpecSet, paths: Located, specPath: string, basePath: string, warnings: string[], out: OperationModel[]): void {
  const itemAt = set.child(paths, specPath);
  if (!specPath.startsWith("/")) throw set.problem(itemAt, "MFG_ERR_OPENAPI_INVALID", `path '${specPath}' must start with /`);
  const item = set.deref(itemAt);
  const v = expectObject(set, item, `path item '${specPath}'`);
  const problems: SpecProblem[] = [];
  for (const m of HTTP_METHODS) {
    if (v[m] === undefined) continue;
    try {
      out.push(readOneOperation(set, item, m, specPath, basePath, warnings));
    } catch (e) {
      if (!isProblem(e)) throw e;
      problems.push(e);
    }
  }
  // One operation's problem must not hide another's: rethrow them one at a time through the caller.
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) throw Object.assign(problems[0]!, { message: `${problems[0]!.message}; and ${problems.length - 1} more operation(s) of ${specPath}: ${problems.slice(1).map((p) => p.message).join("; ")}` });
}

function readOneOperation(set: SpecSet, item: Located, m: string, specPath: string, basePath: string, warnings: string[]): OperationModel {
  const op = set.child(item, m);
  const ov = expectObject(set, op, `${m.toUpperCase()} ${specPath}`);
  const operationId = typeof ov.operationId === "string" ? ov.operationId : null;
  if (ov.operationId !== undefined && operationId === null) throw set.problem(set.child(op, "operationId"), "MFG_ERR_OPENAPI_INVALID", `operationId must be a string, got ${kind(ov.operationId)}`);
  return {
    key: operationId ?? `${m.toUpperCase()} ${specPath}`,
    operationId,
    method: m.toUpperCase(),
    path: joinPath(basePath, specPath),
    specPath,
    loc: op,
    parameters: readParameters(set, item, op),
    requestBody: readRequestBody(set, op, warnings),
    responses: readResponses(set, op, warnings),
    callbacks: readCallbacks(set, op, warnings),
  };
}

export function joinPath(base: string, path: string): string {
  const b = base.replace(/\/+$/, "");
  if (!b) return path;
  return `${b.startsWith("/") ? b : `/${b}`}${path}`;
}
