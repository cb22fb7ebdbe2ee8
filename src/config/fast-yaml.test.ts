import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { fastYaml } from "./fast-yaml.js";
import { parseSource } from "./source-document.js";

/** What the positioned parser reads, with the options source-document.ts uses. */
const reference = (text: string) => parse(text, { merge: true, uniqueKeys: true }) ?? null;

const configFiles = [
  ...readdirSync("test/fixtures/seed").map((f) => join("test/fixtures/seed", f)),
  "examples/mockforge.yaml",
  "examples/scenarios.yaml",
  "bench/configs/static.yaml",
];

describe("fast YAML reading", () => {
  it("reads every bundled config and seed example as the positioned parser does", () => {
    for (const f of configFiles) {
      const text = readFileSync(f, "utf8");
      expect(fastYaml(text), f).toEqual({ value: reference(text) });
    }
  });

  it("reads the YAML 1.2 core scalars as the positioned parser does", () => {
    const scalars = ["1_000", "0x1F", "0o17", "017", "+12", "-0", "1e3", ".5", ".inf", "-.Inf", ".NaN", "yes", "off", "True", "~", "Null", "2024-01-01", "12:30:00", "'q'", '"\\u00e9"', "a #c", "a#b", "|\n  lit\n", ">\n  fo\n  ld\n"];
    for (const s of scalars) {
      const text = `v: ${s}\nw: [${s.includes("\n") ? "x" : s}]\n`;
      const fast = fastYaml(text);
      if (fast) expect(fast.value, s).toEqual(reference(text));
    }
    expect(fastYaml("a:\n  <<: {x: 1, y: 2}\n  y: 3\n")).toEqual({ value: { a: { x: 1, y: 3 } } });
  });

  it("leaves to the positioned parser what the two read differently, and what it must refuse", () => {
    for (const text of ["v: !!float 1\n", "v: !custom x\n", "%YAML 1.1\n---\nv: yes\n", "null: a\n", "- ~: 3\n", "{a: 1, null: 2}\n", "a: &x {k: 1}\nb: *x\n", "a: 1\na: 2\n", "a: 1\n---\nb: 2\n", "k: [a, b\n"]) {
      expect(fastYaml(text), text).toBeUndefined();
    }
    // An operator in a condition is not a tag.
    expect(fastYaml("condition: status != 200\n")).toEqual({ value: { condition: "status != 200" } });
  });

  it("still locates problems, by building the positioned document only when asked", () => {
    const src = parseSource("http:\n  port: 3001\nroutes:\n  - path: /a\n", "c.yaml");
    expect(src.data).toEqual({ http: { port: 3001 }, routes: [{ path: "/a" }] });
    expect(src.locate(["routes", 0, "path"])).toEqual({ line: 4, column: 11 });
  });
});
