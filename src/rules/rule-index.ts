/**
 * Picks the rules worth evaluating for a request. Most rules pin the method and path with
 * top-level AND-ed equalities (`method == 'POST' AND path == '/api/orders' AND …`); those are
 * filed under that method and path, so a request that matches none of them costs two map
 * lookups however many rules there are. Rules without such a guard are always candidates.
 * A guard only narrows: the rule's full condition is still what decides.
 */
import type { Expr, ExprNode } from "../expr/index.js";

export interface RuleGuard {
  method: string | null;
  path: string | null;
}

const ANY = "\u0000any";
const NUMERIC = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

/**
 * The method and path a condition requires, read from its top-level AND chain. Only text
 * literals that are not numbers count, because for those `==` is plain string equality.
 *
 * @example
 * guardOf(parseExpression("method == 'POST' AND path == '/api/orders' AND status == 201")) // { method: "POST", path: "/api/orders" }
 */
export function guardOf(expr: Expr): RuleGuard {
  const guard: RuleGuard = { method: null, path: null };
  const visit = (n: ExprNode) => {
    if (n.type !== "Binary") return;
    if (n.operator === "AND" || n.operator === "&&") {
      visit(n.left);
      visit(n.right);
    } else if (n.operator === "==") {
      for (const [a, b] of [[n.left, n.right], [n.right, n.left]] as const) {
        if (a.type === "Name" && a.segments.length === 0 && (a.name === "method" || a.name === "path") && b.type === "Literal" && typeof b.value === "string" && !NUMERIC.test(b.value)) {
          // Two different requirements on one name can never both hold; keep the first, the condition still decides.
          guard[a.name] ??= b.value;
        }
      }
    }
  };
  visit(expr.root);
  return guard;
}

export interface RuleIndex<R> {
  /** Candidates in config order; a shared empty array when there are none. */
  candidates(method: string, path: string): readonly R[];
}

/**
 * @example
 * const index = buildRuleIndex(rules); // rules: { index: number; guard: RuleGuard }[]
 * for (const r of index.candidates("POST", "/api/orders")) …
 */
export function buildRuleIndex<R extends { index: number; guard: RuleGuard }>(rules: readonly R[]): RuleIndex<R> {
  const byMethod = new Map<string, Map<string, R[]>>();
  for (const r of rules) {
    const m = r.guard.method ?? ANY;
    const p = r.guard.path ?? ANY;
    let paths = byMethod.get(m);
    if (!paths) byMethod.set(m, (paths = new Map()));
    const list = paths.get(p);
    if (list) list.push(r);
    else paths.set(p, [r]);
  }
  const empty: readonly R[] = Object.freeze([]);
  const anyMethod = byMethod.get(ANY);
  return {
    candidates(method, path) {
      // No arrays are built on this path unless two buckets both hold candidates.
      const exact = byMethod.get(method);
      const a = exact?.get(path);
      const b = exact?.get(ANY);
      const c = anyMethod?.get(path);
      const d = anyMethod?.get(ANY);
      const count = (a ? 1 : 0) + (b ? 1 : 0) + (c ? 1 : 0) + (d ? 1 : 0);
      if (count === 0) return empty;
      if (count === 1) return (a ?? b ?? c ?? d)!;
      return [...(a ?? []), ...(b ?? []), ...(c ?? []), ...(d ?? [])].sort((x, y) => x.index - y.index);
    },
  };
}
