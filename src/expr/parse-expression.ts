import jsep from "jsep";
import { isMockForgeError } from "../core/errors.js";
import { pathsOf } from "./collect-paths.js";
import { convertNode } from "./convert-node.js";
import { exprError } from "./syntax-error.js";
import type { Expr } from "./types.js";

// jsep keeps its operator tables globally; configure them once, when this module loads.
// Word operators only match as whole words (jsep checks the next character), so `android`,
// `order_id`, `index`, `NOTE` and `containsX` stay identifiers.
jsep.addBinaryOp("OR", 1);
jsep.addBinaryOp("AND", 2);
jsep.addBinaryOp("contains", 6);
jsep.addBinaryOp("matches", 6);
jsep.addBinaryOp("in", 6);
jsep.addUnaryOp("NOT");

/** jsep's parser class: used directly so the first expression's end position is known. */
interface JsepParser {
  index: number;
  gobbleExpression(): jsep.Expression | undefined;
}
const Parser = (jsep as unknown as { Jsep: new (src: string) => JsepParser }).Jsep;

const CACHE_LIMIT = 5000;
const cache = new Map<string, Expr>();

/**
 * Parses and checks one expression; results are cached by source text (bounded), so calling
 * it on every request is cheap. Throws MFG_ERR_EXPR_SYNTAX (with `details.position`) or
 * MFG_ERR_EXPR_FORBIDDEN (methods, unknown functions, `constructor` and friends).
 *
 * @example
 * const e = parseExpression("method == 'POST' AND status == 201");
 * evaluate(e, { method: "POST", status: 201 }, { clock, random }); // true
 */
export function parseExpression(source: string): Expr {
  const hit = cache.get(source);
  if (hit) return hit;
  const expr = parseUncached(source);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(source, expr);
  return expr;
}

function parseUncached(source: string): Expr {
  let tree: jsep.Expression | undefined;
  const parser = new Parser(source);
  try {
    tree = parser.gobbleExpression();
  } catch (e) {
    if (e instanceof RangeError) {
      throw exprError("MFG_ERR_EXPR_SYNTAX", source, "it is nested too deeply", undefined, "Split it into simpler parts.");
    }
    const err = e as Error & { index?: number; description?: string };
    throw exprError("MFG_ERR_EXPR_SYNTAX", source, describeJsepError(err.description ?? err.message), err.index);
  }
  if (!tree) {
    if (parser.index >= source.length) {
      throw exprError("MFG_ERR_EXPR_SYNTAX", source, "it is empty", 0, "Write a value or a comparison, e.g. status == 200.");
    }
    throw exprError("MFG_ERR_EXPR_SYNTAX", source, `unexpected '${source[parser.index]}'`, parser.index);
  }
  if (parser.index < source.length) throw trailingError(source, parser.index);
  try {
    const root = convertNode(tree, source);
    return Object.freeze({ source, root, paths: Object.freeze(pathsOf(root)) });
  } catch (e) {
    if (e instanceof RangeError && !isMockForgeError(e)) {
      throw exprError("MFG_ERR_EXPR_SYNTAX", source, "it is nested too deeply", undefined, "Split it into simpler parts.");
    }
    throw e;
  }
}

function trailingError(source: string, at: number) {
  const ch = source[at];
  if (ch === ";") {
    return exprError("MFG_ERR_EXPR_SYNTAX", source, "';' ends a statement, and expressions have none", at,
      "Join conditions with AND / OR instead.");
  }
  if (ch === ",") {
    return exprError("MFG_ERR_EXPR_SYNTAX", source, "it holds several expressions separated by ','", at,
      "Commas only separate function arguments and array elements.");
  }
  const word = /^[A-Za-z_$][\w$]*/.exec(source.slice(at))?.[0];
  const lowerWordOp = word === "and" || word === "or" || word === "not";
  return exprError("MFG_ERR_EXPR_SYNTAX", source, `expected an operator or the end, found '${word ?? ch}'`, at,
    lowerWordOp
      ? `Write '${word!.toUpperCase()}' in capitals (or use ${word === "and" ? "&&" : word === "or" ? "||" : "!"}).`
      : "Operators: AND OR NOT == != < <= > >= contains matches in + - * / %. Quote text: 'like this'.");
}

/** jsep's messages, made to read as what is wrong. */
function describeJsepError(description: string): string {
  const m = /^Expected expression after (.+)$/.exec(description);
  if (m) return `expected a value after '${m[1]}'`;
  if (description.startsWith("Unclosed quote")) return "a quoted string is not closed";
  if (description === "Unclosed (" || description === "Unclosed [") return `'${description.slice(-1)}' is not closed`;
  return description.charAt(0).toLowerCase() + description.slice(1);
}
