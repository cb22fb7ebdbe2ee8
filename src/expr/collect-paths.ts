import { childrenOf } from "./children.js";
import type { Expr, ExprNode, NameNode } from "./types.js";

/**
 * Every static member path an expression reads, in source order, without duplicates:
 * `chain.order.order_id + request.body[k].x` gives `chain.order.order_id`, `request.body`, `k`.
 * A path stops at the first computed member; literal keys count as static (`headers['x-id']`
 * gives `headers.x-id`, `items[0]` gives `items.0`). Chains use it to infer dependencies from
 * `chain.<name>` references; rule validation uses it to check root names.
 *
 * @example
 * collectPaths(parseExpression("chain.order.total > 10")) // ["chain.order.total"]
 */
export function collectPaths(expr: Expr): string[] {
  return [...expr.paths];
}

/** Walks a tree once at parse time; the result is stored on the `Expr`. */
export function pathsOf(root: ExprNode): string[] {
  const out = new Set<string>();
  walk(root, out);
  return [...out];
}

function walk(node: ExprNode, out: Set<string>): void {
  if (node.type === "Name") out.add(staticPath(node));
  for (const child of childrenOf(node)) walk(child, out);
}

/** The name and its member keys up to the first computed one: `a.b[k].c` gives `a.b`. */
function staticPath(node: NameNode): string {
  let path = node.name;
  for (const s of node.segments) {
    if (!("key" in s)) break;
    path += `.${s.key}`;
  }
  return path;
}
