import { MockForgeError, isMockForgeError } from "../core/errors.js";
import { parseExpression, type Expr } from "../expr/index.js";

/** A piece of a template string: literal text, or one `{{ expr }}`. */
export type TemplatePart = string | TemplateSlot;

export interface TemplateSlot {
  readonly expr: Expr;
  /** Offset of the `{{` in the string. */
  readonly start: number;
}

/**
 * Where the `}}` closing a `{{` whose expression starts at `from` is, skipping quoted strings
 * so `{{ a == '}}' }}` works; -1 when it is never closed.
 */
export function findClose(text: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "}" && text[i + 1] === "}") return i;
  }
  return -1;
}

/**
 * Splits a string into text and parsed `{{ expr }}` slots; `undefined` when it holds no `{{`.
 * Errors are MFG_ERR_TEMPLATE_SYNTAX with `details.path` and `details.position` (an offset in
 * the string); a forbidden construct keeps its MFG_ERR_EXPR_FORBIDDEN code but gains the path.
 *
 * @example
 * scanTemplate("Bearer {{env.TOKEN}}", "headers.Authorization") // ["Bearer ", { expr, start: 7 }]
 */
export function scanTemplate(text: string, path: string): TemplatePart[] | undefined {
  let open = text.indexOf("{{");
  if (open < 0) return undefined;
  const parts: TemplatePart[] = [];
  let last = 0;
  while (open >= 0) {
    if (open > last) parts.push(text.slice(last, open));
    const close = findClose(text, open + 2);
    if (close < 0) {
      throw new MockForgeError("MFG_ERR_TEMPLATE_SYNTAX", `Template${at(path)} has a '{{' that is never closed`, {
        path,
        position: open,
        template: text,
        hint: "Close it with '}}'. To write a literal '{{', use {{ '{{' }}.",
      });
    }
    parts.push({ expr: parseSlot(text, open, close, path), start: open });
    last = close + 2;
    open = text.indexOf("{{", last);
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

function parseSlot(text: string, open: number, close: number, path: string): Expr {
  try {
    return parseExpression(text.slice(open + 2, close));
  } catch (e) {
    if (!isMockForgeError(e)) throw e;
    const position = open + 2 + (e.details.position ?? 0);
    const code = e.code === "MFG_ERR_EXPR_SYNTAX" ? "MFG_ERR_TEMPLATE_SYNTAX" : e.code;
    const details = { ...e.details, path, position, template: text };
    throw new MockForgeError(code, `Template${at(path)}: ${e.message}`, details, { cause: e });
  }
}

function at(path: string): string {
  return path ? ` at ${path}` : "";
}
