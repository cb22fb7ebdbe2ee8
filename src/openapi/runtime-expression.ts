/**
 * OpenAPI runtime expressions (OAS 3.0.3 / 3.1 "Runtime Expressions"), the whole grammar:
 *
 *   expression = "$url" / "$method" / "$statusCode" / "$request." source / "$response." source
 *   source     = "header." token / "query." name / "path." name / "body" ["#" json-pointer]
 *
 * used bare (`$request.body#/callbackUrl`) or embedded in a string in braces
 * (`{$request.query.callbackUrl}/data`, `http://h/?id={$request.body#/id}`). Compiled once at
 * load so a callback whose key does not parse is refused then, not when a request comes.
 */
import { headerValue, valueAt } from "../core/value-at.js";
import { pointerTokens } from "./spec-problem.js";

export type RuntimeExpression =
  | { kind: "url" | "method" | "statusCode" }
  | { kind: "header" | "query" | "path"; from: "request" | "response"; name: string }
  | { kind: "body"; from: "request" | "response"; pointer: string | null };

export type ExpressionPart = string | RuntimeExpression;

/** What an expression is evaluated against: one served exchange. */
export interface ExpressionContext {
  url: string;
  method: string;
  statusCode: number;
  request: { headers: Record<string, unknown>; query: Record<string, unknown>; path: Record<string, unknown>; body: unknown };
  response: { headers: Record<string, unknown>; body: unknown };
}

export class ExpressionSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Parses one bare expression.
 *
 * @throws ExpressionSyntaxError saying what was expected
 * @example
 * parseExpression("$request.body#/callbackUrl") // { kind: "body", from: "request", pointer: "/callbackUrl" }
 */
export function parseExpression(src: string, offset = 0): RuntimeExpression {
  const fail = (msg: string, at = 0): never => {
    throw new ExpressionSyntaxError(`\`${src}\` is not a runtime expression: ${msg}`, offset + at);
  };
  if (src === "$url") return { kind: "url" };
  if (src === "$method") return { kind: "method" };
  if (src === "$statusCode") return { kind: "statusCode" };
  const m = /^\$(request|response)\.(.*)$/s.exec(src);
  if (!m) return fail("expected $url, $method, $statusCode, $request.… or $response.…");
  const from = m[1] as "request" | "response";
  const rest = m[2]!;
  const at = from.length + 2;
  if (rest === "body") return { kind: "body", from, pointer: null };
  if (rest.startsWith("body#")) {
    const pointer = rest.slice(5);
    if (pointer !== "" && !pointer.startsWith("/")) fail("a JSON pointer after # starts with /", at + 5);
    const bad = /~[^01]|~$/.exec(pointer);
    if (bad) fail("in a JSON pointer `~` is followed by 0 or 1", at + 5 + bad.index);
    return { kind: "body", from, pointer };
  }
  const dot = rest.indexOf(".");
  const source = dot < 0 ? rest : rest.slice(0, dot);
  const name = dot < 0 ? "" : rest.slice(dot + 1);
  if (source === "header") {
    if (!TCHAR.test(name)) fail("a header name is one or more token characters", at + 7);
    return { kind: "header", from, name };
  }
  if (source === "query" || source === "path") {
    if (dot < 0) fail(`expected ${source}.<name>`, at);
    return { kind: source, from, name };
  }
  return fail(`after $${from}. expected header.<name>, query.<name>, path.<name> or body[#/pointer]`, at);
}

/**
 * Parses a string holding `{expression}` parts, or one bare expression (a string starting with `$`).
 *
 * @throws ExpressionSyntaxError
 * @example
 * parseEmbedded("{$request.query.cb}/data") // [{ kind: "query", from: "request", name: "cb" }, "/data"]
 */
export function parseEmbedded(src: string): ExpressionPart[] {
  if (src.startsWith("$")) return [parseExpression(src)];
  const parts: ExpressionPart[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf("{", i);
    const close = src.indexOf("}", i);
    if (close >= 0 && (open < 0 || close < open)) throw new ExpressionSyntaxError(`\`${src}\`: \`}\` without a \`{\``, close);
    if (open < 0) {
      parts.push(src.slice(i));
      break;
    }
    if (open > i) parts.push(src.slice(i, open));
    const end = src.indexOf("}", open);
    if (end < 0) throw new ExpressionSyntaxError(`\`${src}\`: \`{\` at ${open} is never closed`, open);
    const inner = src.slice(open + 1, end);
    if (!inner.startsWith("$")) throw new ExpressionSyntaxError(`\`${src}\`: \`{${inner}}\` is not a runtime expression (they start with $)`, open + 1);
    parts.push(parseExpression(inner, open + 1));
    i = end + 1;
  }
  return parts;
}

/** The value of one expression; undefined when the exchange has nothing there. */
export function evaluateExpression(e: RuntimeExpression, ctx: ExpressionContext): unknown {
  switch (e.kind) {
    case "url":
      return ctx.url;
    case "method":
      return ctx.method;
    case "statusCode":
      return ctx.statusCode;
    case "header":
      return headerValue(ctx[e.from].headers, e.name);
    case "query":
    case "path": {
      const src = e.from === "request" ? (e.kind === "query" ? ctx.request.query : ctx.request.path) : undefined;
      if (!src || !Object.prototype.hasOwnProperty.call(src, e.name)) return undefined;
      const v = src[e.name];
      return Array.isArray(v) ? v[0] : v;
    }
    case "body":
      return e.pointer === null ? ctx[e.from].body : valueAt(ctx[e.from].body, pointerTokens(e.pointer));
    default: {
      const never: never = e;
      return never;
    }
  }
}

/**
 * Renders parts to text; names what was missing so the caller can say why a URL came out empty.
 *
 * @example
 * renderEmbedded(parseEmbedded("{$request.query.cb}/data"), ctx) // { text: "http://127.0.0.1:4000/hooks/data", missing: [] }
 */
export function renderEmbedded(parts: ExpressionPart[], ctx: ExpressionContext): { text: string; missing: string[] } {
  let text = "";
  const missing: string[] = [];
  for (const p of parts) {
    if (typeof p === "string") {
      text += p;
      continue;
    }
    const v = evaluateExpression(p, ctx);
    if (v === undefined || v === null) missing.push(describe(p));
    else text += typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return { text, missing };
}

/** The expression as written back (for messages). */
export function describe(e: RuntimeExpression): string {
  if (!("from" in e)) return `$${e.kind}`;
  if (e.kind === "body") return `$${e.from}.body${e.pointer === null ? "" : `#${e.pointer}`}`;
  return `$${e.from}.${e.kind}.${e.name}`;
}
