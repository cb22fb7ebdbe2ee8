/**
 * Which response an operation answers with, as Prism users expect: the first success response
 * by default; `Prefer: code=404` (or `?__code=404`) for another one; `Prefer: example=NAME` (or
 * `?__example=NAME`) for a named example. The default answer is made once, at load, so serving
 * it costs what a static YAML route costs.
 */
import { MockForgeError } from "../core/errors.js";
import { payloadFor, sampleSchema } from "./sample-payload.js";
import type { OperationModel, ResponseModel } from "./spec-model.js";
import type { SpecSet } from "./spec-set.js";

export interface Answer {
  status: number;
  headers: Record<string, string>;
  /** The body as a value (JSON media) or text; undefined for none. */
  body: unknown;
}

export interface AnswerChoice {
  code?: string;
  example?: string;
}

/** Reads `Prefer: code=…, example=…` and `?__code=` / `?__example=` (the query wins). */
export function readChoice(headers: Record<string, unknown>, query: Record<string, unknown>): AnswerChoice | null {
  let code: string | undefined;
  let example: string | undefined;
  const prefer = headers.prefer;
  if (typeof prefer === "string" && prefer.length > 0) {
    for (const part of prefer.split(/[,;]/)) {
      const eq = part.indexOf("=");
      if (eq < 0) continue;
      const k = part.slice(0, eq).trim().toLowerCase();
      const v = part.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
      if (k === "code") code = v;
      else if (k === "example") example = v;
    }
  }
  const q = (v: unknown) => (Array.isArray(v) ? String(v[0]) : typeof v === "string" ? v : undefined);
  code = q(query.__code) ?? code;
  example = q(query.__example) ?? example;
  return code === undefined && example === undefined ? null : { ...(code !== undefined ? { code } : {}), ...(example !== undefined ? { example } : {}) };
}

/** The response answered when nothing is asked for: the first 2xx as written, then 2XX, default, else the first. */
export function defaultResponse(responses: ResponseModel[]): ResponseModel | null {
  return responses.find((r) => /^2\d\d$/.test(r.code)) ?? responses.find((r) => /^2XX$/i.test(r.code)) ?? responses.find((r) => r.code === "default") ?? responses[0] ?? null;
}

/**
 * @throws MockForgeError MFG_ERR_OPENAPI_EXAMPLE_NOT_FOUND for a code or example the operation does not have
 */
export function chooseAnswer(set: SpecSet, op: OperationModel, choice: AnswerChoice | null): Answer {
  let response = defaultResponse(op.responses);
  let status = response?.status ?? 200;
  if (choice?.code !== undefined) {
    const want = choice.code;
    const n = Number(want);
    response =
      op.responses.find((r) => r.code === want) ??
      (Number.isInteger(n) ? op.responses.find((r) => /XX$/i.test(r.code) && r.code[0] === want[0]) : undefined) ??
      (Number.isInteger(n) && n >= 100 && n <= 599 ? op.responses.find((r) => r.code === "default") : undefined) ??
      null;
    if (!response) {
      throw new MockForgeError("MFG_ERR_OPENAPI_EXAMPLE_NOT_FOUND", `${op.key} has no response ${want}`, {
        hint: `responses written: ${op.responses.map((r) => r.code).join(", ") || "none"}`,
        known: op.responses.map((r) => r.code),
      });
    }
    status = Number.isInteger(n) && n >= 100 && n <= 599 ? n : response.status;
  }
  if (!response) return { status, headers: {}, body: undefined };
  const payload = payloadFor(set, response.media, "response", choice?.example);
  const headers: Record<string, string> = {};
  for (const h of response.headers) {
    if (h.name.toLowerCase() === "content-type") continue;
    const v = h.example ? h.example.value : h.schema ? sampleSchema(set, h.schema, "response") : undefined;
    if (v !== undefined && v !== null) headers[h.name.toLowerCase()] = typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  if (payload.value !== undefined && response.media) headers["content-type"] = response.media.type;
  return { status, headers, body: payload.value };
}
