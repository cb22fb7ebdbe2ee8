/**
 * Reads one operation (or a callback's / webhook's operation) from the spec set into the
 * model. Throws the first SpecProblem found; the caller decides whether that refuses the spec
 * or skips the operation.
 */
import { allMedia, preferredMedia } from "./spec-media.js";
import type { CallbackModel, OutboundOperation, ParameterModel, ResponseModel } from "./spec-model.js";
import { HTTP_METHODS } from "./spec-model.js";
import { ExpressionSyntaxError, parseEmbedded } from "./runtime-expression.js";
import type { Located, SpecSet } from "./spec-set.js";

const PARAM_IN = new Set(["query", "header", "path", "cookie"]);

export function expectObject(set: SpecSet, loc: Located, what: string): Record<string, unknown> {
  if (loc.value === null || typeof loc.value !== "object" || Array.isArray(loc.value)) {
    throw set.problem(loc, "MFG_ERR_OPENAPI_INVALID", `${what} must be an object, got ${kind(loc.value)}`);
  }
  return loc.value as Record<string, unknown>;
}

export function kind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  return `the ${typeof v} ${JSON.stringify(v)}`;
}

/** Path-level parameters overridden by the operation's own (same name and `in`). */
export function readParameters(set: SpecSet, pathItem: Located, op: Located): ParameterModel[] {
  const byKey = new Map<string, ParameterModel>();
  for (const owner of [pathItem, op]) {
    const list = set.child(owner, "parameters");
    if (list.value === undefined) continue;
    if (!Array.isArray(list.value)) throw set.problem(list, "MFG_ERR_OPENAPI_INVALID", `parameters must be a list, got ${kind(list.value)}`);
    list.value.forEach((_, i) => {
      const p = set.deref(set.child(list, i));
      const v = expectObject(set, p, "a parameter");
      if (typeof v.name !== "string" || !PARAM_IN.has(String(v.in))) {
        throw set.problem(p, "MFG_ERR_OPENAPI_INVALID", "a parameter needs a string `name` and `in` (query, header, path or cookie)");
      }
      const schema = v.schema !== undefined ? set.child(p, "schema") : null;
      byKey.set(`${v.in}:${v.name}`, { name: v.name, in: v.in as ParameterModel["in"], required: v.required === true || v.in === "path", schema });
    });
  }
  return [...byKey.values()];
}

/** Responses in the order written; `status` is what MockForge answers with. */
export function readResponses(set: SpecSet, op: Located, warnings: string[]): ResponseModel[] {
  const r = set.child(op, "responses");
  if (r.value === undefined) return [];
  const obj = expectObject(set, r, "responses");
  return Object.keys(obj).map((code) => {
    if (!/^([1-5](\d\d|XX)|default)$/i.test(code)) throw set.problem(set.child(r, code), "MFG_ERR_OPENAPI_INVALID", `response code '${code}' is not a status, a range like 2XX, or default`);
    const loc = set.deref(set.child(r, code));
    const v = expectObject(set, loc, `response ${code}`);
    const content = set.child(loc, "content");
    if (v.content !== undefined) expectObject(set, content, `response ${code} content`);
    const headers: ResponseModel["headers"] = [];
    const h = set.child(loc, "headers");
    if (h.value && typeof h.value === "object") {
      for (const name of Object.keys(h.value)) {
        const hl = set.deref(set.child(h, name));
        const hv = (hl.value ?? {}) as Record<string, unknown>;
        headers.push({ name, schema: hv.schema !== undefined ? set.child(hl, "schema") : null, example: "example" in hv ? { value: hv.example } : null });
      }
    }
    const status = code === "default" ? 200 : /XX$/i.test(code) ? Number(code[0]) * 100 : Number(code);
    return { code, status, media: v.content === undefined ? null : preferredMedia(content, set, warnings), headers };
  });
}

export function readRequestBody(set: SpecSet, op: Located, warnings: string[]): { required: boolean; media: ReturnType<typeof allMedia> } | null {
  const rb = set.child(op, "requestBody");
  if (rb.value === undefined) return null;
  const loc = set.deref(rb);
  const v = expectObject(set, loc, "requestBody");
  const content = set.child(loc, "content");
  expectObject(set, content, "requestBody content");
  return { required: v.required === true, media: allMedia(content, set, warnings) };
}

/** The operations of a path item that MockForge sends (a callback's or a webhook's). */
export function readOutbound(set: SpecSet, pathItemRef: Located, warnings: string[], what: string): OutboundOperation[] {
  const item = set.deref(pathItemRef);
  const v = expectObject(set, item, what);
  const out: OutboundOperation[] = [];
  for (const m of HTTP_METHODS) {
    if (v[m] === undefined) continue;
    const op = set.child(item, m);
    expectObject(set, op, `${what} ${m}`);
    const body = readRequestBody(set, op, warnings);
    const media = body ? (body.media.find((x) => /[/+]json(;|$)/i.test(x.type)) ?? body.media[0] ?? null) : null;
    if (!body) warnings.push(`${op.file.shown}#${op.pointer}: ${what} ${m.toUpperCase()} has no requestBody; it is sent without a body`);
    out.push({ method: m.toUpperCase(), media, requestBody: body, loc: op });
  }
  if (out.length === 0) throw set.problem(item, "MFG_ERR_OPENAPI_INVALID", `${what} has no operation (get, post, …)`);
  return out;
}

export function readCallbacks(set: SpecSet, op: Located, warnings: string[]): CallbackModel[] {
  const cbs = set.child(op, "callbacks");
  if (cbs.value === undefined) return [];
  expectObject(set, cbs, "callbacks");
  const out: CallbackModel[] = [];
  for (const name of Object.keys(cbs.value as object)) {
    const cb = set.deref(set.child(cbs, name));
    expectObject(set, cb, `callback '${name}'`);
    for (const expression of Object.keys(cb.value as object)) {
      if (expression.startsWith("x-")) continue;
      const at = set.child(cb, expression);
      let url;
      try {
        url = parseEmbedded(expression);
      } catch (e) {
        if (!(e instanceof ExpressionSyntaxError)) throw e;
        throw set.problem(at, "MFG_ERR_OPENAPI_EXPRESSION", `callback '${name}': ${e.message} (at character ${e.position})`, "see Runtime Expressions in the OpenAPI spec: {$request.body#/url}, {$request.query.x}, {$response.body#/id}, …");
      }
      out.push({ name, expression, url, operations: readOutbound(set, at, warnings, `callback '${name}'`) });
    }
  }
  return out;
}
