import type { Expr, ExprNode, Segment } from "./types.js";

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
  switch (node.type) {
    case "Literal":
      return;
    case "Name": {
      let path = node.name;
      let computed = false;
      for (const s of node.segments) {
        if ("key" in s) {
          if (!computed) path += `.${s.key}`;
        } else computed = true;
      }
      out.add(path);
      walkSegments(node.segments, out);
      return;
    }
    case "Access":
      walk(node.object, out);
      walkSegments(node.segments, out);
      return;
    case "Call":
      for (const a of node.args) walk(a, out);
      return;
    case "Unary":
      walk(node.argument, out);
      return;
    case "Binary":
      walk(node.left, out);
      walk(node.right, out);
      return;
    case "Conditional":
      walk(node.test, out);
      walk(node.consequent, out);
      walk(node.alternate, out);
      return;
    case "Array":
      for (const e of node.elements) walk(e, out);
      return;
    default: {
      const never: never = node;
      throw new Error(`unhandled node ${(never as ExprNode).type}`);
    }
  }
}

function walkSegments(segments: readonly Segment[], out: Set<string>): void {
  for (const s of segments) if ("index" in s) walk(s.index, out);
}
