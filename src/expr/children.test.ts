import { describe, expect, it } from "vitest";
import { childrenOf } from "./children.js";
import { parseExpression } from "./parse-expression.js";
import type { ExprNode } from "./types.js";

const kinds = (nodes: readonly ExprNode[]) => nodes.map((n) => (n.type === "Name" ? `Name ${n.name}` : n.type));

describe("childrenOf", () => {
  it("gives each node's sub-expressions in source order, computed member keys included", () => {
    const root = parseExpression("a.b[k][0] ? random_int(x, 1) : [-y, z + 2]").root;
    expect(kinds(childrenOf(root))).toEqual(["Name a", "Call", "Array"]);
    const [name, call, array] = childrenOf(root);
    expect(kinds(childrenOf(name!))).toEqual(["Name k"]);
    expect(kinds(childrenOf(call!))).toEqual(["Name x", "Literal"]);
    expect(kinds(childrenOf(array!))).toEqual(["Unary", "Binary"]);
    expect(kinds(childrenOf(childrenOf(array!)[1]!))).toEqual(["Name z", "Literal"]);
  });

  it("takes an access's object first, then its computed keys; a literal has none", () => {
    const access = parseExpression("[1, 2][i].n").root;
    expect(kinds(childrenOf(access))).toEqual(["Array", "Name i"]);
    expect(childrenOf(parseExpression("'x'").root)).toEqual([]);
  });
});
