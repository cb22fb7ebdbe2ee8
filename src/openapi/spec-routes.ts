/**
 * Operations → routes. Each operation becomes a route (`{name}` path parameters, its method)
 * whose answer is chosen per request (choose-answer.ts) and whose request is validated per the
 * spec's `validation` mode. The default answer is serialized once at load.
 */
import { isMockForgeError, MockForgeError } from "../core/errors.js";
import type { OpenApiSpecConfig, RouteConfig } from "../config/index.js";
import type { RenderedResponse, RouteExtension, WireResponse } from "../engine/compiled-route.js";
import type { MockRequest } from "../engine/mock-request.js";
import { chooseAnswer, readChoice, type Answer } from "./choose-answer.js";
import { compileRequestCheck, type RequestCheck } from "./request-check.js";
import type { SchemaValidators } from "./schema-validator.js";
import type { OperationModel, SpecModel } from "./spec-model.js";
import type { SpecSet } from "./spec-set.js";
import { validationNote } from "./validation-note.js";

const SAFE_PARAM = /^[A-Za-z0-9_]+$/;

/** A spec path as a route path, with parameter names the router accepts (mapped back per request). */
export function routePathOf(op: OperationModel, set: SpecSet): { path: string; aliases: Map<string, string> } {
  const aliases = new Map<string, string>();
  const segments = op.path.split("/").map((seg) => {
    const m = /^\{([^{}]+)\}$/.exec(seg);
    if (!m) {
      if (/[{}]/.test(seg)) throw set.problem(set.child(op.loc), "MFG_ERR_OPENAPI_INVALID", `path segment '${seg}' of ${op.specPath} mixes a parameter with text; MockForge routes whole-segment parameters only`, "serve this operation with a config route using a whole-segment parameter");
      return seg;
    }
    const name = m[1]!;
    if (SAFE_PARAM.test(name)) return seg;
    const alias = `p${aliases.size}_`;
    aliases.set(alias, name);
    return `{${alias}}`;
  });
  return { path: segments.join("/"), aliases };
}

/** The route config a spec operation is listed under (`GET /__mockforge/routes`). */
export function routeConfigOf(op: OperationModel, path: string): RouteConfig {
  return { id: `openapi:${op.key}`, path, method: op.method as RouteConfig["method"], response: { status: 200, headers: {}, delay_ms: 0 }, webhooks: [] };
}

/** The 422 an `enforce` validation answers: RFC 9457 problem details with the failing pointers. */
export function problemResponse(code: "MFG_ERR_OPENAPI_REQUEST_INVALID" | "MFG_ERR_OPENAPI_EXAMPLE_NOT_FOUND", status: number, detail: string, extra: Record<string, unknown>): RenderedResponse {
  return {
    status,
    headers: { "content-type": "application/problem+json" },
    body: JSON.stringify({ type: `https://github.com/mockforge/mockforge/blob/main/docs/openapi.md#${code.toLowerCase()}`, title: code === "MFG_ERR_OPENAPI_REQUEST_INVALID" ? "Request does not match the OpenAPI operation" : "No such response or example", status, detail, code, ...extra }),
  };
}

/** A validation check in the spec's mode, or undefined for `off`. */
export function validationCheck(mode: OpenApiSpecConfig["validation"], against: string, check: RequestCheck, aliases: Map<string, string>): RouteExtension["check"] {
  if (mode === "off") return undefined;
  return (req, params, notes) => {
    const result = check(req, unalias(params, aliases));
    notes.push(validationNote(against, result));
    if (result.valid || mode === "warn") return null;
    return problemResponse("MFG_ERR_OPENAPI_REQUEST_INVALID", 422, `${req.method} ${req.path} does not match ${against}: ${result.errors.length} problem(s)`, { errors: result.errors });
  };
}

export function unalias(params: Record<string, string>, aliases: Map<string, string>): Record<string, string> {
  if (aliases.size === 0) return params;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) out[aliases.get(k) ?? k] = v;
  return out;
}

/** The extension of a spec operation's route: its answer, and its validation check. */
export function operationExtension(model: SpecModel, op: OperationModel, cfg: OpenApiSpecConfig, validators: SchemaValidators, aliases: Map<string, string>): RouteExtension {
  const set = model.set;
  const answer = chooseAnswer(set, op, null);
  const first = toRendered(answer);
  const wire = toWire(first, answer.body, op);
  const check = validationCheck(cfg.validation, `operation ${op.key}`, compileRequestCheck(op, validators), aliases);
  return {
    ...(check ? { check } : {}),
    respond(req: MockRequest) {
      const choice = readChoice(req.headers, req.query);
      if (!choice) return { rendered: first, wire };
      try {
        return { rendered: toRendered(chooseAnswer(set, op, choice)), wire: null };
      } catch (e) {
        if (!isMockForgeError(e, "MFG_ERR_OPENAPI_EXAMPLE_NOT_FOUND")) throw e;
        return { rendered: problemResponse("MFG_ERR_OPENAPI_EXAMPLE_NOT_FOUND", e.status, e.message, { known: e.details.known ?? [] }), wire: null };
      }
    },
  };
}

/**
 * The answer as the engine renders it: the body stays a value (after-response work reads
 * `$response.body#/id` from it); only a string under a JSON media type is turned into its JSON
 * text (`"hello"`), which the engine sends as is.
 */
function toRendered(a: Answer): RenderedResponse {
  const ct = a.headers["content-type"];
  const json = ct !== undefined && /[/+]json(;|$)/i.test(ct);
  return { status: a.status, headers: a.headers, body: json && typeof a.body === "string" ? JSON.stringify(a.body) : a.body };
}

/** The default answer made once: what a static route's `fixed` is. */
function toWire(r: RenderedResponse, value: unknown, op: OperationModel): WireResponse {
  const text = r.body === undefined ? "" : typeof r.body === "string" ? r.body : JSON.stringify(r.body);
  if (text === undefined) throw new MockForgeError("MFG_ERR_OPENAPI_INVALID", `${op.key}: its default answer cannot be serialized`);
  const headers = r.body === undefined || r.headers["content-type"] ? r.headers : { ...r.headers, "content-type": typeof r.body === "string" ? "text/plain; charset=utf-8" : "application/json" };
  return { status: r.status, headers, wireHeaders: { ...headers, "content-length": Buffer.byteLength(text) }, body: text, value };
}
