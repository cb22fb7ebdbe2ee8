import { describe, expect, it } from "vitest";
import { parseSource } from "./source-document.js";

describe("parseSource", () => {
  const text = "http:\n  port: 3001\nroutes:\n  - path: /a\n    response:\n      body:\n      status: 'x {{ y }}'\n";
  const src = parseSource(text, "c.yaml");

  it("locates values, keys and the nearest existing ancestor", () => {
    expect(src.locate(["http", "port"])).toEqual({ line: 2, column: 9 });
    expect(src.locate(["http", "port"], "key")).toEqual({ line: 2, column: 3 });
    expect(src.locate(["routes", 0, "path"])).toEqual({ line: 4, column: 11 });
    expect(src.locate(["routes", 0, "nothing", "deeper"])).toEqual({ line: 4, column: 5 });
    // An empty value has no position of its own: its key is used.
    expect(src.locate(["routes", 0, "response", "body"])).toEqual({ line: 6, column: 7 });
  });

  it("locates a character inside a quoted one-line string", () => {
    expect(src.locateInScalar(["routes", 0, "response", "status"], 2)).toEqual({ line: 7, column: 18 });
    expect(src.locateInScalar(["http", "port"], 0)).toBeNull();
  });

  it("follows merge keys and aliases", () => {
    const merged = parseSource("a: &x\n  k: 1\nb:\n  <<: *x\n", "m.yaml");
    expect(merged.data).toEqual({ a: { k: 1 }, b: { k: 1 } });
    expect(merged.locate(["b", "k"])).toEqual({ line: 2, column: 6 });
  });

  it("refuses several documents in one file", () => {
    expect(() => parseSource("a: 1\n---\nb: 2\n", "m.yaml")).toThrow(/one document|multiple documents/);
  });
});

describe("parseSource limits", () => {
  it("refuses alias bombs instead of expanding them", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 8; i++) lines.push(`${"bcdefghi"[i]}: &${"bcdefghi"[i]} [${Array(10).fill(`*${i === 0 ? "a" : "bcdefghi"[i - 1]}`).join(", ")}]`);
    expect(() => parseSource(lines.join("\n"), "bomb.yaml")).toThrow(/cannot be read/);
  });
});
