/**
 * Turns a rule condition's syntax tree into plain JavaScript closures, once, at load. Rule
 * conditions run after every served response, and the tree-walking evaluator costs about half
 * a microsecond per condition; closures cost a few nanoseconds, which is what keeps 20
 * non-matching rules from showing in throughput. The closures read the engine's exchange as it
 * is (`status` is `response.status`, `body` is `request.body`: see rule-scope.ts), so nothing is
 * copied per request. The common forms (names with static members, literals, `==` `!=` `<`
 * `<=` `>` `>=` `contains` `in`, AND/OR/NOT) are compiled; anything else (functions, `matches`,
 * arithmetic, computed members, built-in names) is handed to the evaluator for that subtree,
 * over the input's flat scope, so results are the evaluator's in every case
 * (`fast-condition.test.ts` checks the two agree).
 */
import { evaluate, looseEquals, truthy, type EvalEnv, type Expr, type ExprNode, type Segment } from "../expr/index.js";
import type { ConditionInput } from "./rule-scope.js";

type Fn = (x: ConditionInput) => unknown;

/** Names the closures read straight from the exchange; they are always present on it. */
const DIRECT_ROOTS = new Set(["method", "path", "status", "headers", "query", "params", "body", "response"]);

/** Binary operators compiled to closures; the others go to the evaluator. */
const COMPILED_OPERATORS = new Set(["AND", "&&", "OR", "||", "==", "!=", "<", "<=", ">", ">=", "contains", "in"]);

/**
 * True when `n` compiles to closures alone, with no part handed to the evaluator. Such a
 * condition never throws: its reads, comparisons and `contains` are total (the rule gate,
 * rule-gate.ts, relies on that to skip a rule without changing what it counts).
 */
export function compilesWhole(n: ExprNode): boolean {
  switch (n.type) {
    case "Literal":
      return true;
    case "Name":
      return DIRECT_ROOTS.has(n.name) && n.segments.every((s) => "key" in s);
    case "Binary":
      return COMPILED_OPERATORS.has(n.operator) && compilesWhole(n.left) && compilesWhole(n.right);
    case "Unary":
      return (n.operator === "!" || n.operator === "NOT") && compilesWhole(n.argument);
    default:
      return false;
  }
}

/**
 * @example
 * const test = compileFastCondition(parseExpression("method == 'POST' AND response.body.total > 100"), env);
 * test(new ExchangeInput().set(exchange)) // boolean
 */
export function compileFastCondition(expr: Expr, env: EvalEnv): (input: ConditionInput) => boolean {
  const fn = node(expr.root, expr.source, env);
  return (x) => truthy(fn(x));
}

function node(n: ExprNode, source: string, env: EvalEnv): Fn {
  switch (n.type) {
    case "Literal": {
      const v = n.value;
      const fn: Fn = () => v;
      literals.set(fn, v);
      return fn;
    }
    case "Name":
      return DIRECT_ROOTS.has(n.name) && n.segments.every((s) => "key" in s) ? member(n.name, n.segments) : fallback(n, source, env);
    case "Binary":
      return binary(n.operator, node(n.left, source, env), node(n.right, source, env)) ?? fallback(n, source, env);
    case "Unary": {
      if (n.operator !== "!" && n.operator !== "NOT") return fallback(n, source, env);
      const a = node(n.argument, source, env);
      return (x) => !truthy(a(x));
    }
    default:
      return fallback(n, source, env);
  }
}

/** The evaluator, for one subtree, over the input's flat scope. */
function fallback(root: ExprNode, source: string, env: EvalEnv): Fn {
  const sub: Expr = { source, root, paths: [] };
  return (x) => evaluate(sub, x.scope(), env);
}

/** Literal values of compiled literal nodes, so `==` against a literal can skip the generic path. */
const literals = new WeakMap<Fn, string | number | boolean | null>();

/** `name == 'text'` is a strict compare, `name == 201` also accepts "201"; other forms use `looseEquals`. */
function equalsFn(l: Fn, r: Fn): Fn {
  const [get, lit] = literals.has(r) ? [l, literals.get(r)] : literals.has(l) ? [r, literals.get(l)] : [null, undefined];
  if (get && typeof lit === "string" && !NUMERIC.test(lit)) return (x) => get(x) === lit;
  if (get && typeof lit === "number") {
    return (x) => {
      const v = get(x);
      return v === lit || (typeof v === "string" && NUMERIC.test(v) && Number(v) === lit);
    };
  }
  return (x) => looseEquals(l(x), r(x));
}

/** `x > 100` against a number literal skips the text branch (a number literal never orders as text). */
function compareFn(op: "<" | "<=" | ">" | ">=", l: Fn, r: Fn): Fn {
  const lit = literals.get(r);
  if (typeof lit === "number") {
    switch (op) {
      case "<":
        return (x) => {
          const a = asNumber(l(x));
          return a !== undefined && a < lit;
        };
      case "<=":
        return (x) => {
          const a = asNumber(l(x));
          return a !== undefined && a <= lit;
        };
      case ">":
        return (x) => {
          const a = asNumber(l(x));
          return a !== undefined && a > lit;
        };
      case ">=":
        return (x) => {
          const a = asNumber(l(x));
          return a !== undefined && a >= lit;
        };
    }
  }
  const test = op === "<" ? (c: number) => c < 0 : op === "<=" ? (c: number) => c <= 0 : op === ">" ? (c: number) => c > 0 : (c: number) => c >= 0;
  return (x) => order(l(x), r(x), test);
}

function binary(op: string, l: Fn, r: Fn): Fn | null {
  switch (op) {
    case "AND":
    case "&&":
      return (x) => truthy(l(x)) && truthy(r(x));
    case "OR":
    case "||":
      return (x) => truthy(l(x)) || truthy(r(x));
    case "==":
      return equalsFn(l, r);
    case "!=": {
      const eq = equalsFn(l, r);
      return (x) => !eq(x);
    }
    case "<":
    case "<=":
    case ">":
    case ">=":
      return compareFn(op, l, r);
    case "contains":
      return (x) => contains(l(x), r(x));
    case "in":
      return (x) => contains(r(x), l(x));
    default:
      return null;
  }
}

/** `root.a.b[0]`: own properties of objects; `length` and positions of arrays and strings; else undefined. */
function member(root: string, segments: readonly Segment[]): Fn {
  const keys = segments.map((s) => (s as { key: string }).key);
  const base = rootReader(root);
  if (keys.length === 0) return base;
  if (keys.length === 1) {
    const k = keys[0]!;
    return (x) => read(base(x), k);
  }
  if (keys.length === 2) {
    const [k1, k2] = keys as [string, string];
    return (x) => read(read(base(x), k1), k2);
  }
  return (x) => {
    let v: unknown = base(x);
    for (const k of keys) {
      if (v === null || v === undefined) return undefined;
      v = read(v, k);
    }
    return v;
  };
}

/** One function per root, so each property read site sees a single shape and stays fast. */
function rootReader(root: string): Fn {
  switch (root) {
    case "method":
      return (x) => x.ex.request.method;
    case "path":
      return (x) => x.ex.request.path;
    case "status":
      return (x) => x.ex.response.status;
    case "headers":
      return (x) => x.ex.request.headers;
    case "query":
      return (x) => x.ex.request.query;
    case "params":
      return (x) => x.ex.params;
    case "body":
      return (x) => x.ex.request.body;
    case "response":
      return (x) => x.ex.response;
    default:
      return (x) => x.scope()[root];
  }
}

const INDEX = /^(?:0|[1-9]\d*)$/;

function read(obj: unknown, key: string): unknown {
  if (typeof obj === "object" && obj !== null && !Array.isArray(obj)) {
    return Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
  }
  if (typeof obj === "string" || Array.isArray(obj)) {
    if (key === "length") return obj.length;
    return INDEX.test(key) ? obj[Number(key)] : undefined;
  }
  return undefined;
}

const NUMERIC = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

function asNumber(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && NUMERIC.test(v)) return Number(v);
  return undefined;
}

/** Numeric when both sides are numbers or numeric strings, text order when both are strings, else false. */
function order(a: unknown, b: unknown, test: (c: number) => boolean): boolean {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) return x < y ? test(-1) : x > y ? test(1) : x === y ? test(0) : false;
  if (typeof a === "string" && typeof b === "string") return test(a < b ? -1 : a > b ? 1 : 0);
  return false;
}

function contains(haystack: unknown, needle: unknown): boolean {
  if (typeof haystack === "string") return (typeof needle === "string" || typeof needle === "number") && haystack.includes(String(needle));
  if (Array.isArray(haystack)) return haystack.some((item) => looseEquals(item, needle));
  if (typeof haystack === "object" && haystack !== null) {
    return (typeof needle === "string" || typeof needle === "number") && Object.hasOwn(haystack, String(needle));
  }
  return false;
}
