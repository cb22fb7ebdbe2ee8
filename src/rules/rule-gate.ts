/**
 * A rule's gate: what its condition can say from the request's method and path and the answer's
 * status alone, before any exchange exists. The rule index (rule-index.ts) files each rule's
 * gate result per method, path and status, so a request no rule can match is told so by a map
 * lookup, and the engine builds no exchange for the rules.
 *
 * The gate is the condition in three values (true, false, unknown) where every part that reads
 * only `method`, `path`, `status` or `response.status` (and literals, no function calls) is
 * evaluated and everything else is unknown. A rule is skipped only when its gate is false in a
 * way that evaluating the condition would be too, without an error: an unknown left side of
 * `AND` keeps the rule a candidate unless it can never throw (it compiles whole,
 * fast-condition.ts), because an error is counted in the rule's stats and logged.
 */
import { childrenOf, evaluate, truthy, type EvalEnv, type Expr, type ExprNode, type NameNode } from "../expr/index.js";
import { compilesWhole } from "./fast-condition.js";

/** What a gate sees: the names it evaluates, as the evaluator reads them. */
export interface GateView {
  method: string;
  path: string;
  status: number;
  response: { status: number };
}

/** False: the rule cannot match this method, path and status. */
export type Gate = (view: GateView) => boolean;

const FALSE = 0;
const TRUE = 1;
/** Unknown, and evaluating it may throw. */
const UNKNOWN = 2;
/** Unknown, and evaluating it never throws. */
const UNKNOWN_SAFE = 3;
type Tri = typeof FALSE | typeof TRUE | typeof UNKNOWN | typeof UNKNOWN_SAFE;
type TriFn = (view: GateView) => Tri;

const GATE_NAMES = new Set(["method", "path", "status"]);

/**
 * The gate of a parsed condition, or null when no part of it can be decided from method, path
 * and status (the rule is then a candidate for every request).
 *
 * @example
 * const gate = gateOf(parseExpression("status >= 500 AND body.retry == true"), env)!;
 * gate({ method: "GET", path: "/x", status: 200, response: { status: 200 } }) // false
 */
export function gateOf(expr: Expr, env: EvalEnv): Gate | null {
  let decides = false;
  const compile = (n: ExprNode): TriFn => {
    if (n.type === "Binary" && (n.operator === "AND" || n.operator === "&&" || n.operator === "OR" || n.operator === "||")) {
      const l = compile(n.left);
      const r = compile(n.right);
      return n.operator === "AND" || n.operator === "&&" ? (v) => and(l(v), r, v) : (v) => or(l(v), r, v);
    }
    if (n.type === "Unary" && (n.operator === "!" || n.operator === "NOT")) {
      const a = compile(n.argument);
      return (v) => not(a(v));
    }
    if (readsOnlyGateNames(n)) {
      // A bare literal (`true`) decides nothing worth filing per request.
      if (n.type !== "Literal") decides = true;
      const sub: Expr = { source: expr.source, root: n, paths: [] };
      return (v) => {
        try {
          return truthy(evaluate(sub, v as unknown as Record<string, unknown>, env)) ? TRUE : FALSE;
        } catch {
          return UNKNOWN;
        }
      };
    }
    const unknown: Tri = compilesWhole(n) ? UNKNOWN_SAFE : UNKNOWN;
    return () => unknown;
  };
  const root = compile(expr.root);
  return decides ? (v) => root(v) !== FALSE : null;
}

/** `l AND r`, evaluated left to right with short-circuit, as the evaluator does. */
function and(l: Tri, r: TriFn, v: GateView): Tri {
  if (l === FALSE || l === UNKNOWN) return l;
  const b = r(v);
  if (l === TRUE) return b;
  return b === FALSE ? FALSE : b === UNKNOWN ? UNKNOWN : UNKNOWN_SAFE;
}

/** `l OR r`, likewise. */
function or(l: Tri, r: TriFn, v: GateView): Tri {
  if (l === TRUE || l === UNKNOWN) return l;
  const b = r(v);
  if (l === FALSE) return b;
  return b === TRUE ? TRUE : b === UNKNOWN ? UNKNOWN : UNKNOWN_SAFE;
}

function not(a: Tri): Tri {
  return a === TRUE ? FALSE : a === FALSE ? TRUE : a;
}

/** True when `n` reads nothing but method, path, status and response.status, and calls no function (some are random). */
function readsOnlyGateNames(n: ExprNode): boolean {
  if (n.type === "Call") return false;
  if (n.type === "Name" && !GATE_NAMES.has(n.name) && !readsResponseStatus(n)) return false;
  // Computed keys (`path[k]`) are read too, so they must be gate names as well.
  return childrenOf(n).every(readsOnlyGateNames);
}

function readsResponseStatus(n: NameNode): boolean {
  const first = n.segments[0];
  return n.name === "response" && first !== undefined && "key" in first && first.key === "status";
}
