import type { ExprNode, Segment } from "./types.js";

/**
 * The sub-expressions of `node`, in source order: computed member keys (`a[k]`) included,
 * static ones (`a.b`, `a['x']`) not, since they are not expressions. Walks that look at a
 * tree without evaluating it (the paths it reads, whether it reads only some names) take the
 * tree's shape from here, so a new node kind is added in one switch, not in each walk.
 *
 * @example
 * childrenOf(parseExpression("a[k] ? f(x) : 1").root) // [Name a[k], Call f, Literal 1]
 */
export function childrenOf(node: ExprNode): readonly ExprNode[] {
  switch (node.type) {
    case "Literal":
      return [];
    case "Name":
      return computedKeys(node.segments);
    case "Access":
      return [node.object, ...computedKeys(node.segments)];
    case "Call":
      return node.args;
    case "Unary":
      return [node.argument];
    case "Binary":
      return [node.left, node.right];
    case "Conditional":
      return [node.test, node.consequent, node.alternate];
    case "Array":
      return node.elements;
    default: {
      const never: never = node;
      throw new Error(`unhandled node ${(never as ExprNode).type}`);
    }
  }
}

function computedKeys(segments: readonly Segment[]): ExprNode[] {
  const out: ExprNode[] = [];
  for (const s of segments) if ("index" in s) out.push(s.index);
  return out;
}
