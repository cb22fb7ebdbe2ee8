import type jsep from "jsep";
import { isMockForgeError } from "../core/errors.js";
import { didYouMean } from "./did-you-mean.js";
import { forbiddenNameError, isForbiddenName } from "./forbidden.js";
import { FUNCTION_NAMES, functionListHint, lookupFunction } from "./functions.js";
import { compilePattern } from "./regex.js";
import { exprError, findToken } from "./syntax-error.js";
import type { BinaryOperator, ExprNode, Segment, UnaryOperator } from "./types.js";

/** Deeper trees are refused so neither conversion nor evaluation can exhaust the stack. */
const MAX_DEPTH = 200;

const BINARY: ReadonlySet<string> = new Set<BinaryOperator>([
  "OR", "||", "AND", "&&", "==", "!=", "<", "<=", ">", ">=",
  "contains", "matches", "in", "+", "-", "*", "/", "%",
]);
const UNARY: ReadonlySet<string> = new Set<UnaryOperator>(["!", "NOT", "-", "+"]);

/** What to write instead of a JavaScript operator the language leaves out. */
const OPERATOR_HINTS: Readonly<Record<string, string>> = {
  "===": "Use '==' (it never coerces types in surprising ways).",
  "!==": "Use '!='.",
  "??": "Use a conditional: a != null ? a : b.",
  "**": "Powers are not supported.",
};
const OPERATOR_LIST = "Operators: AND OR NOT && || ! == != < <= > >= contains matches in + - * / % and a ? b : c.";

/**
 * Converts jsep's tree into the closed `ExprNode` union, refusing everything the evaluator
 * does not support (statements, `this`, methods, unknown functions, forbidden names).
 */
export function convertNode(node: jsep.Expression, source: string, depth = 0): ExprNode {
  if (depth > MAX_DEPTH) {
    throw exprError("MFG_ERR_EXPR_SYNTAX", source, `it is nested more than ${MAX_DEPTH} levels deep`, undefined,
      "Split the expression into simpler parts.");
  }
  const sub = (n: jsep.Expression) => convertNode(n, source, depth + 1);
  switch (node.type) {
    case "Literal": {
      const value = (node as jsep.Literal).value;
      if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
        return Object.freeze({ type: "Literal", value });
      }
      throw exprError("MFG_ERR_EXPR_SYNTAX", source, "this kind of literal is not supported", undefined);
    }
    case "Identifier": {
      const name = (node as jsep.Identifier).name;
      if (isForbiddenName(name)) throw forbiddenNameError(name, source, findToken(source, name));
      return Object.freeze({ type: "Name", name, segments: Object.freeze([]) });
    }
    case "MemberExpression":
      return convertMember(node as jsep.MemberExpression, source, sub);
    case "CallExpression":
      return convertCall(node as jsep.CallExpression, source, sub);
    case "UnaryExpression": {
      const u = node as jsep.UnaryExpression;
      if (!UNARY.has(u.operator)) {
        throw exprError("MFG_ERR_EXPR_SYNTAX", source, `the operator '${u.operator}' is not supported`,
          findToken(source, u.operator), OPERATOR_LIST);
      }
      return Object.freeze({ type: "Unary", operator: u.operator as UnaryOperator, argument: sub(u.argument) });
    }
    case "BinaryExpression": {
      const b = node as jsep.BinaryExpression;
      if (!BINARY.has(b.operator)) {
        throw exprError("MFG_ERR_EXPR_SYNTAX", source, `the operator '${b.operator}' is not supported`,
          findToken(source, b.operator), OPERATOR_HINTS[b.operator] ?? OPERATOR_LIST);
      }
      const right = sub(b.right);
      if (b.operator === "matches" && right.type === "Literal") checkLiteralPattern(right.value, source);
      return Object.freeze({ type: "Binary", operator: b.operator as BinaryOperator, left: sub(b.left), right });
    }
    case "ConditionalExpression": {
      const c = node as jsep.ConditionalExpression;
      return Object.freeze({ type: "Conditional", test: sub(c.test), consequent: sub(c.consequent), alternate: sub(c.alternate) });
    }
    case "ArrayExpression": {
      const a = node as jsep.ArrayExpression;
      if (a.elements.some((e) => e === null)) {
        throw exprError("MFG_ERR_EXPR_SYNTAX", source, "an array has an empty element", findToken(source, ","));
      }
      return Object.freeze({ type: "Array", elements: Object.freeze(a.elements.map((e) => sub(e as jsep.Expression))) });
    }
    case "ThisExpression":
      throw exprError("MFG_ERR_EXPR_SYNTAX", source, "`this` is not available in expressions", findToken(source, "this"),
        "Refer to data by name: request.body.x, chain.step.field, env.NAME.");
    case "Compound":
    case "SequenceExpression":
      throw exprError("MFG_ERR_EXPR_SYNTAX", source, "it holds several expressions separated by ',' or ';'",
        findToken(source, ","), "An expression is one value; commas only separate function arguments and array elements.");
    default:
      throw exprError("MFG_ERR_EXPR_SYNTAX", source, `'${node.type}' is not supported`, undefined, OPERATOR_LIST);
  }
}

function convertMember(
  node: jsep.MemberExpression,
  source: string,
  sub: (n: jsep.Expression) => ExprNode,
): ExprNode {
  // Flatten `a.b[0].c` into one base and a list of segments, outermost last.
  const steps: jsep.MemberExpression[] = [];
  let base: jsep.Expression = node;
  while (base.type === "MemberExpression") {
    steps.push(base as jsep.MemberExpression);
    base = (base as jsep.MemberExpression).object;
  }
  steps.reverse();
  const segments: Segment[] = steps.map((m) => {
    const p = m.property;
    let key: string | undefined;
    if (!m.computed && p.type === "Identifier") key = (p as jsep.Identifier).name;
    else if (m.computed && p.type === "Literal") {
      const v = (p as jsep.Literal).value;
      if (typeof v === "string" || typeof v === "number") key = String(v);
    }
    if (key === undefined) return Object.freeze({ index: sub(p) });
    if (isForbiddenName(key)) throw forbiddenNameError(key, source, findToken(source, key));
    return Object.freeze({ key });
  });
  const frozen = Object.freeze(segments);
  if (base.type === "Identifier") {
    const name = (base as jsep.Identifier).name;
    if (isForbiddenName(name)) throw forbiddenNameError(name, source, findToken(source, name));
    return Object.freeze({ type: "Name", name, segments: frozen });
  }
  return Object.freeze({ type: "Access", object: sub(base), segments: frozen });
}

function convertCall(node: jsep.CallExpression, source: string, sub: (n: jsep.Expression) => ExprNode): ExprNode {
  if (node.callee.type !== "Identifier") {
    throw exprError("MFG_ERR_EXPR_FORBIDDEN", source, "only the built-in functions can be called, not methods or computed values",
      findToken(source, "("), functionListHint());
  }
  const name = (node.callee as jsep.Identifier).name;
  const fn = lookupFunction(name);
  if (!fn) {
    const guess = didYouMean(name, FUNCTION_NAMES);
    throw exprError("MFG_ERR_EXPR_FORBIDDEN", source, `'${name}' is not a function expressions may call`,
      findToken(source, name), `${guess ? `Did you mean '${guess}'? ` : ""}${functionListHint()}`);
  }
  const n = node.arguments.length;
  if (n < fn.min || n > fn.max) {
    const want = fn.min === fn.max ? `${fn.min}` : `${fn.min} to ${fn.max}`;
    throw exprError("MFG_ERR_EXPR_SYNTAX", source, `${name}() takes ${want} argument${fn.max === 1 ? "" : "s"}, got ${n}`,
      findToken(source, name), `Usage: ${fn.signature}`);
  }
  return Object.freeze({ type: "Call", name, args: Object.freeze(node.arguments.map(sub)) });
}

function checkLiteralPattern(value: unknown, source: string): void {
  if (typeof value !== "string") {
    throw exprError("MFG_ERR_EXPR_SYNTAX", source, "the right side of 'matches' must be a string pattern",
      findToken(source, "matches"));
  }
  try {
    compilePattern(value);
  } catch (e) {
    if (!isMockForgeError(e)) throw e;
    const problem = e.message.charAt(0).toLowerCase() + e.message.slice(1);
    throw exprError(e.code, source, problem, findToken(source, "matches"), e.details.hint);
  }
}
