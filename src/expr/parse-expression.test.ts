import { describe, expect, it } from "vitest";
import type { MockForgeError } from "../core/errors.js";
import { parseExpression } from "./parse-expression.js";
import { mockForgeErrorOf } from "../core/test-support/thrown.js";

function syntaxError(src: string): MockForgeError {
  return mockForgeErrorOf(() => parseExpression(src), String(src));
}

describe("parseExpression", () => {
  it("caches by source text and returns frozen, shared trees", () => {
    const a = parseExpression("status == 201");
    expect(parseExpression("status == 201")).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.root)).toBe(true);
  });

  it("gives AND lower precedence than comparison and OR lower than AND", () => {
    const e = parseExpression("a == 1 AND b == 2 OR c == 3");
    expect(e.root).toMatchObject({
      type: "Binary",
      operator: "OR",
      left: { type: "Binary", operator: "AND", left: { operator: "==" }, right: { operator: "==" } },
      right: { operator: "==" },
    });
  });

  it("parses word operators at comparison precedence", () => {
    expect(parseExpression("a contains 'x' AND b in [1]").root).toMatchObject({
      operator: "AND",
      left: { operator: "contains" },
      right: { operator: "in" },
    });
    expect(parseExpression("path matches '^/api' OR x").root).toMatchObject({ operator: "OR", left: { operator: "matches" } });
  });

  it.each([
    ["android", "android"],
    ["order_id", "order_id"],
    ["index", "index"],
    ["NOTE", "NOTE"],
    ["ORDER", "ORDER"],
    ["ANDROID", "ANDROID"],
    ["containsX", "containsX"],
    ["matches_count", "matches_count"],
    ["input", "input"],
  ])("keeps %s an identifier", (src, name) => {
    expect(parseExpression(src).root).toEqual({ type: "Name", name, segments: [] });
  });

  it("treats word operators next to identifiers correctly", () => {
    expect(parseExpression("android AND order_id").root).toMatchObject({
      operator: "AND",
      left: { name: "android" },
      right: { name: "order_id" },
    });
    expect(parseExpression("index in items").root).toMatchObject({ operator: "in", left: { name: "index" }, right: { name: "items" } });
    expect(parseExpression("NOT NOTE").root).toMatchObject({ type: "Unary", operator: "NOT", argument: { name: "NOTE" } });
    expect(parseExpression("NOT(a)").root).toMatchObject({ type: "Unary", operator: "NOT" });
    expect(parseExpression("x in[1, 2]").root).toMatchObject({ operator: "in" });
  });

  it("flattens member chains and treats literal keys as static", () => {
    expect(parseExpression("a.b[0]['x-id'][k]").root).toEqual({
      type: "Name",
      name: "a",
      segments: [{ key: "b" }, { key: "0" }, { key: "x-id" }, { index: { type: "Name", name: "k", segments: [] } }],
    });
  });

  it("parses conditionals, arrays, unary minus and calls", () => {
    expect(parseExpression("a ? [1, -2] : hash(b)").root).toMatchObject({
      type: "Conditional",
      consequent: { type: "Array", elements: [{ value: 1 }, { type: "Unary", operator: "-" }] },
      alternate: { type: "Call", name: "hash" },
    });
  });

  it.each([
    ["a; b", 1, "';'"],
    ["a, b", 1, "','"],
    ["a b", 2, "found 'b'"],
    ["a ==", 4, "after '=='"],
    ["(a", 2, "'(' is not closed"],
    ["'abc", 4, "not closed"],
    ["", 0, "empty"],
    ["a === b", 2, "'==='"],
    ["a & b", 2, "'&'"],
    ["~a", 0, "'~'"],
    ["a ?? b", 2, "'??'"],
    ["this", 0, "`this`"],
    ["this.x", 0, "`this`"],
    ["[1, , 2]", 2, "empty element"],
    ["hash()", 0, "hash() takes 1 argument, got 0"],
    ["random_int(1)", 0, "takes 2 arguments"],
    ["(a, b)", 2, "several expressions"],
    ["a and b", 2, "found 'and'"],
  ])("rejects %j with MFG_ERR_EXPR_SYNTAX at %i", (src, position, words) => {
    const e = syntaxError(src);
    expect(e.code).toBe("MFG_ERR_EXPR_SYNTAX");
    expect(e.details.position).toBe(position);
    expect(e.message).toContain(words);
    expect(e.details.expression).toBe(src);
  });

  it("hints at capitals for lower-case word operators", () => {
    expect(syntaxError("a and b").details.hint).toContain("'AND'");
  });

  it("refuses trees nested beyond the depth limit without overflowing the stack", () => {
    expect(parseExpression("(".repeat(300) + "1" + ")".repeat(300)).root).toEqual({ type: "Literal", value: 1 });
    expect(syntaxError("[".repeat(300) + "1" + "]".repeat(300)).code).toBe("MFG_ERR_EXPR_SYNTAX");
    expect(syntaxError("(".repeat(100_000) + "1" + ")".repeat(100_000)).message).toContain("nested too deeply");
    expect(syntaxError(Array(5000).fill("1").join(" + ")).code).toBe("MFG_ERR_EXPR_SYNTAX");
  });

  it("checks a literal 'matches' pattern at parse time", () => {
    expect(syntaxError("a matches '('").code).toBe("MFG_ERR_EXPR_EVAL");
    expect(syntaxError("a matches 5").code).toBe("MFG_ERR_EXPR_SYNTAX");
    expect(parseExpression("a matches '^x$'").root).toMatchObject({ operator: "matches" });
  });
});
