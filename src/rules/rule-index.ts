/**
 * Picks the rules worth evaluating for a request, from its method, path and status alone.
 *
 * Most rules pin the method and path with top-level AND-ed equalities (`method == 'POST' AND
 * path == '/api/orders' AND …`); those are filed under that method and path at load. The rest
 * of what a condition says about method, path and status is its gate (rule-gate.ts). The
 * rules left after both are remembered per method, path and status, so the next request of
 * the same kind costs three map lookups and allocates nothing, however many rules there are.
 * A guard or gate only narrows: the rule's full condition is still what decides.
 */
import type { Expr, ExprNode } from "../expr/index.js";
import type { Gate, GateView } from "./rule-gate.js";

export interface RuleGuard {
  method: string | null;
  path: string | null;
}

const ANY = "\u0000any";
const NUMERIC = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;
/**
 * Method, path and status combinations remembered before the memory starts over: a mock serves
 * a few hundred kinds of request, but a scan of random paths must not grow it without bound.
 */
const REMEMBERED = 10_000;

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
  /**
   * Candidates in config order, for an answer with `status` (0: dropped; absent: only the
   * method and path guards apply); a shared empty array when there are none.
   */
  candidates(method: string, path: string, status?: number): readonly R[];
}

interface Indexed {
  index: number;
  guard: RuleGuard;
  /** Absent or null: nothing of the condition is known from method, path and status. */
  gate?: Gate | null;
}

/**
 * @example
 * const index = buildRuleIndex(rules); // rules: { index: number; guard: RuleGuard; gate: Gate | null }[]
 * for (const r of index.candidates("POST", "/api/orders", 201)) …
 */
export function buildRuleIndex<R extends Indexed>(rules: readonly R[]): RuleIndex<R> {
  const empty: readonly R[] = Object.freeze([]);
  const byGuard = guardBuckets(rules, empty);
  const memo = new Map<string, Map<string, Map<number, readonly R[]>>>();
  let remembered = 0;
  return {
    candidates(method, path, status) {
      if (status === undefined) return byGuard(method, path);
      const known = memo.get(method)?.get(path)?.get(status);
      if (known) return known;
      // Worked out once per kind of request; the lists are shared, never changed.
      const guarded = byGuard(method, path);
      const view: GateView = { method, path, status, response: { status } };
      const passed = guarded.some((r) => r.gate) ? guarded.filter((r) => !r.gate || r.gate(view)) : guarded;
      const list = passed.length === 0 ? empty : passed.length === guarded.length ? guarded : passed;
      if (++remembered > REMEMBERED) {
        memo.clear();
        remembered = 1;
      }
      let paths = memo.get(method);
      if (!paths) memo.set(method, (paths = new Map()));
      let statuses = paths.get(path);
      if (!statuses) paths.set(path, (statuses = new Map()));
      statuses.set(status, list);
      return list;
    },
  };
}

/** The rules whose guard lets a method and path through, in config order. */
function guardBuckets<R extends Indexed>(rules: readonly R[], empty: readonly R[]): (method: string, path: string) => readonly R[] {
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
  const anyMethod = byMethod.get(ANY);
  return (method, path) => {
    const exact = byMethod.get(method);
    const a = exact?.get(path);
    const b = exact?.get(ANY);
    const c = anyMethod?.get(path);
    const d = anyMethod?.get(ANY);
    const count = (a ? 1 : 0) + (b ? 1 : 0) + (c ? 1 : 0) + (d ? 1 : 0);
    if (count === 0) return empty;
    if (count === 1) return (a ?? b ?? c ?? d)!;
    return [...(a ?? []), ...(b ?? []), ...(c ?? []), ...(d ?? [])].sort((x, y) => x.index - y.index);
  };
}
