/**
 * Validates a received request against an operation (or a webhook's operation): parameters
 * (path, query, header, cookie; coerced from text by their schema), content type and body.
 * Failing values are named by JSON pointers into `{path, query, headers, cookies, body}`, e.g.
 * `/query/limit`, `/body/items/0/qty`, `/headers/content-type`.
 */
import type { MediaModel } from "./spec-media.js";
import type { ParameterModel } from "./spec-model.js";
import type { SchemaError, SchemaValidators } from "./schema-validator.js";
import { escapeToken } from "./spec-problem.js";

/** What a check looks at (a MockRequest has all of it). */
export interface CheckedRequest {
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string | string[]>;
  body: unknown;
  rawText: string | null;
}

export interface CheckTarget {
  parameters: ParameterModel[];
  requestBody: { required: boolean; media: MediaModel[] } | null;
}

export interface CheckResult {
  valid: boolean;
  errors: SchemaError[];
}

export type RequestCheck = (req: CheckedRequest, params: Record<string, string>) => CheckResult;

const LOCATION = { path: "path", query: "query", header: "headers", cookie: "cookies" } as const;

export function compileRequestCheck(target: CheckTarget, validators: SchemaValidators): RequestCheck {
  const params = target.parameters.map((p) => ({ p, validate: p.schema ? validators.forSchema(p.schema, true) : null }));
  const bodies = (target.requestBody?.media ?? []).map((m) => ({ m, validate: m.schema ? validators.forSchema(m.schema, false) : null }));
  const bodyRequired = target.requestBody?.required ?? false;
  return (req, pathParams) => {
    const errors: SchemaError[] = [];
    let cookies: Record<string, string> | null = null;
    for (const { p, validate } of params) {
      const base = `/${LOCATION[p.in]}/${escapeToken(p.in === "header" ? p.name.toLowerCase() : p.name)}`;
      let value: unknown;
      if (p.in === "path") value = pathParams[p.name];
      else if (p.in === "query") value = req.query[p.name];
      else if (p.in === "header") value = req.headers[p.name.toLowerCase()];
      else value = (cookies ??= parseCookies(req.headers.cookie))[p.name];
      if (value === undefined) {
        if (p.required) errors.push({ pointer: base, message: `required ${p.in} parameter '${p.name}' is missing` });
        continue;
      }
      if (!validate) continue;
      // Parameters arrive as text; ajv coerces in place, so validate inside a holder.
      const holder = { v: Array.isArray(value) ? [...value] : value };
      for (const e of validate(holder.v)) errors.push({ pointer: base + e.pointer, message: e.message });
    }
    if (target.requestBody) checkBody(req, bodies, bodyRequired, errors);
    return { valid: errors.length === 0, errors };
  };
}

function checkBody(req: CheckedRequest, bodies: { m: MediaModel; validate: ((v: unknown) => SchemaError[]) | null }[], required: boolean, errors: SchemaError[]): void {
  const empty = req.rawText === "" || (req.rawText === null && req.body === null);
  if (empty) {
    if (required) errors.push({ pointer: "/body", message: "a request body is required" });
    return;
  }
  const ct = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  const match = bodies.find((b) => mediaMatches(b.m.type, ct));
  if (!match) {
    errors.push({ pointer: "/headers/content-type", message: `content type '${ct || "(none)"}' is not one of ${bodies.map((b) => b.m.type).join(", ")}` });
    return;
  }
  if (!match.validate) return;
  if (/[/+]json$/.test(ct) && req.body === null && req.rawText !== null && req.rawText.trim() !== "null") {
    errors.push({ pointer: "/body", message: "the body is not valid JSON" });
    return;
  }
  for (const e of match.validate(req.body)) errors.push({ pointer: `/body${e.pointer}`, message: e.message });
}

/** `application/*`, `*\/*` and parameters in the spec's media type are honoured. */
export function mediaMatches(specType: string, actual: string): boolean {
  const s = specType.split(";")[0]!.trim().toLowerCase();
  if (s === "*/*" || s === actual) return true;
  if (s.endsWith("/*")) return actual.startsWith(s.slice(0, -1));
  return false;
}

function parseCookies(h: string | string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (Array.isArray(h) ? h.join(";") : (h ?? "")).split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}
