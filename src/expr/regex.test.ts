import { describe, expect, it } from "vitest";
import { mockForgeErrorOf } from "../core/test-support/thrown.js";
import { compileCondition } from "../template/index.js";
import { compilePattern, matchesPattern, MAX_MATCH_INPUT } from "./regex.js";

describe("matches: a linear-time engine", () => {
  it("answers ^(a+)+$ on 31 a's and a '!' at once (seconds of backtracking in a RegExp)", () => {
    const t = performance.now();
    expect(matchesPattern(`${"a".repeat(31)}!`, "^(a+)+$")).toBe(false);
    expect(matchesPattern("a".repeat(5000), "^(a+)+$")).toBe(true);
    expect(matchesPattern(`${"a".repeat(MAX_MATCH_INPUT - 1)}!`, "(a|aa)*$")).toBe(true);
    expect(performance.now() - t).toBeLessThan(1_000);
  });

  it("refuses what RE2 cannot run in linear time, naming the part and its position", () => {
    for (const [pattern, part, at] of [
      ["^(a)\\1$", "\\1", 5],
      ["x(?=y)", "(?=", 2],
      ["x(?!y)", "(?!", 2],
      ["(?<=a)b", "(?<", 1],
    ] as const) {
      const err = mockForgeErrorOf(() => compilePattern(pattern), pattern);
      expect(err.code).toBe("MFG_ERR_EXPR_EVAL");
      expect(err.message).toContain(part);
      expect(err.message).toContain(`at pattern character ${at}`);
    }
  });

  it("is a load-time error in a condition, at the 'matches' of the expression", () => {
    const err = mockForgeErrorOf(() => compileCondition("path matches '^/(a)\\\\1'"), "a backreference in a condition");
    expect(err.message).toMatch(/backreference|escape/);
  });

  it("gives what a JavaScript RegExp gives on ordinary patterns, literal ones included", () => {
    const patterns = ["^/admin/", "/orders", "ok$", "^ok$", "^$", "", "^/api/orders/[0-9]+$", "\\d{3}-\\d{4}", "(?i)^post$", "^[a-z]+@[a-z]+\\.com$", "a.c", "^(foo|bar)/\\w+$"];
    const inputs = ["/admin/x", "x/admin/", "/orders/1", "ok", "not ok", "ok\n", "", "/api/orders/42", "/api/orders/4x", "555-1234", "POST", "me@x.com", "abc", "a\nc", "foo/bar_1"];
    for (const p of patterns) {
      if (p.startsWith("(?i)")) {
        expect(matchesPattern("POST", p)).toBe(true);
        continue;
      }
      const js = new RegExp(p);
      for (const i of inputs) expect({ p, i, m: matchesPattern(i, p) }).toEqual({ p, i, m: js.test(i) });
    }
  });
});
