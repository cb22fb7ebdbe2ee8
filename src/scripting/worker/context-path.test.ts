import { describe, expect, it } from "vitest";
import { getAtPath, parseContextPath, setAtPath } from "./context-path.js";

describe("chain context paths", () => {
  it("splits dotted and bracket paths", () => {
    expect(parseContextPath("order_response.id")).toEqual(["order_response", "id"]);
    expect(parseContextPath("a.items[2].sku")).toEqual(["a", "items", "2", "sku"]);
  });

  it("refuses empty, malformed and prototype paths", () => {
    for (const bad of ["", "a..b", ".a", "a.", "__proto__.x", "a.constructor", 5]) expect(() => parseContextPath(bad)).toThrow(TypeError);
  });

  it("gets own values only", () => {
    const root = { a: { items: [{ sku: "x" }] } };
    expect(getAtPath(root, ["a", "items", "0", "sku"])).toBe("x");
    expect(getAtPath(root, ["a", "missing", "deeper"])).toBeUndefined();
    expect(getAtPath(root, ["a", "toString"])).toBeUndefined();
  });

  it("sets, creating objects on the way, and deletes with undefined", () => {
    const root: Record<string, unknown> = { a: 1 };
    setAtPath(root, ["a", "b"], 2);
    setAtPath(root, ["x", "y", "z"], true);
    expect(root).toEqual({ a: { b: 2 }, x: { y: { z: true } } });
    setAtPath(root, ["x", "y"], undefined);
    expect(root).toEqual({ a: { b: 2 }, x: {} });
  });
});
