/**
 * The model of a loaded spec: operations (path, method, parameters, request body, responses,
 * callbacks) and 3.1 `webhooks`, each read from the spec set with its `$ref`s followed.
 * Everything MockForge would serve is checked here, at load; a problem in one operation either
 * refuses the spec or, lenient, skips that operation and lists it.
 */
import type { MediaModel } from "./spec-media.js";
import type { ExpressionPart } from "./runtime-expression.js";
import type { Located, SpecSet } from "./spec-set.js";
import type { SpecProblem } from "./spec-problem.js";

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

export interface ParameterModel {
  name: string;
  in: "query" | "header" | "path" | "cookie";
  required: boolean;
  schema: Located | null;
}

export interface ResponseModel {
  /** As written: `200`, `2XX`, `default`. */
  code: string;
  /** The status it is answered with (`2XX` → 200, `default` → 200 unless an error code is asked for). */
  status: number;
  media: MediaModel | null;
  /** Declared response headers with an example or schema, to answer with. */
  headers: { name: string; schema: Located | null; example: { value: unknown } | null }[];
}

/** One request MockForge can send: a callback's or a webhook's operation. */
export interface OutboundOperation {
  method: string;
  /** The operation's request body media (JSON preferred), or null when it has none. */
  media: MediaModel | null;
  /** The whole request body (every media type), for validating what a receiver gets. */
  requestBody: { required: boolean; media: MediaModel[] } | null;
  loc: Located;
}

export interface CallbackModel {
  /** The callback's name under `callbacks`. */
  name: string;
  /** The URL expression (the path item's key). */
  expression: string;
  url: ExpressionPart[];
  operations: OutboundOperation[];
}

export interface OperationModel {
  /** `operationId`, else `METHOD /path` as written in the spec. */
  key: string;
  operationId: string | null;
  method: string;
  /** Path as served (base path + spec path), with `{name}` parameters. */
  path: string;
  specPath: string;
  loc: Located;
  parameters: ParameterModel[];
  requestBody: { required: boolean; media: MediaModel[] } | null;
  responses: ResponseModel[];
  callbacks: CallbackModel[];
}

export interface WebhookModel {
  name: string;
  operations: OutboundOperation[];
}

export interface SpecModel {
  /** The spec file as named. */
  file: string;
  /** `3.0.3`, `3.1.0`, … */
  version: string;
  /** JSON Schema dialect of its schemas. */
  dialect: "oas30" | "oas31";
  title: string;
  set: SpecSet;
  operations: OperationModel[];
  webhooks: WebhookModel[];
  /** What lenient loading left out, with why. */
  skipped: SpecProblem[];
  /** Not fatal (external examples, webhooks with no request body, …). */
  warnings: string[];
}
