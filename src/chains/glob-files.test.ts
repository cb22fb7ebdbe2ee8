import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { globFiles, globToRegExp, hasGlobMagic } from "./glob-files.js";

describe("globToRegExp", () => {
  it("matches *, ?, **, braces and classes", () => {
    expect(globToRegExp("*.yaml").test("orders.yaml")).toBe(true);
    expect(globToRegExp("*.yaml").test("a/orders.yaml")).toBe(false);
    expect(globToRegExp("**/*.yaml").test("orders.yaml")).toBe(true);
    expect(globToRegExp("**/*.yaml").test("a/b/orders.yaml")).toBe(true);
    expect(globToRegExp("*.{yml,yaml,json}").test("x.json")).toBe(true);
    expect(globToRegExp("*.{yml,yaml}").test("x.json")).toBe(false);
    expect(globToRegExp("chain-?.yaml").test("chain-1.yaml")).toBe(true);
    expect(globToRegExp("chain-[ab].yaml").test("chain-b.yaml")).toBe(true);
    expect(globToRegExp("chain-[!ab].yaml").test("chain-b.yaml")).toBe(false);
    expect(globToRegExp("a.b+c.yaml").test("aXb+c.yaml")).toBe(false);
  });

  it("knows plain paths from globs", () => {
    expect(hasGlobMagic("chains/orders.yaml")).toBe(false);
    expect(hasGlobMagic("chains/*.yaml")).toBe(true);
  });
});

describe("globFiles", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "mfg-glob-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, "chains/nested"), { recursive: true });
  mkdirSync(path.join(dir, "chains/.hidden"), { recursive: true });
  for (const f of ["chains/a.yaml", "chains/b.json", "chains/nested/c.yaml", "chains/.hidden/d.yaml", "chains/notes.txt"]) {
    writeFileSync(path.join(dir, f), "x");
  }

  it("walks from the fixed prefix and returns sorted absolute paths", async () => {
    expect(await globFiles("chains/*.yaml", dir)).toEqual([path.join(dir, "chains/a.yaml")]);
    expect(await globFiles("chains/**/*.{yaml,json}", dir)).toEqual(
      ["chains/a.yaml", "chains/b.json", "chains/nested/c.yaml"].map((f) => path.join(dir, f)),
    );
  });

  it("returns a plain path as is and nothing for a missing folder", async () => {
    expect(await globFiles("chains/a.yaml", dir)).toEqual([path.join(dir, "chains/a.yaml")]);
    expect(await globFiles("missing/*.yaml", dir)).toEqual([]);
  });
});
