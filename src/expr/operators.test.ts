import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.js";
import { isMockForgeError } from "../core/errors.js";
import { seededRandom } from "../core/random.js";
import { evaluate } from "./evaluate.js";
import { parseExpression } from "./parse-expression.js";

const env = { clock: new ManualClock(), random: seededRandom(1) };
const scope = {
  n: 201,
  s: "201",
  text: "hello world",
  zero: 0,
  empty: "",
  nil: null,
  arr: [1, "two", { k: 3 }],
  obj: { a: 1, b: [1, 2] },
  obj2: { b: [1, 2], a: 1 },
  t: true,
  f: false,
};
const run = (src: string) => evaluate(parseExpression(src), scope, env);

describe("operators", () => {
  it.each<[string, unknown]>([
    // == and !=
    ["n == 201", true],
    ["n == s", true],
    ["s == 201", true],
    ["n == '201.0'", true],
    ["n == 'x'", false],
    ["nil == null", true],
    ["obj.zzz == null", true],
    ["zero == ''", false],
    ["zero == false", false],
    ["t == 'true'", false],
    ["obj == obj2", true],
    ["arr == [1, 'two', obj.a]", false],
    ["[1, 2] == [1, 2]", true],
    ["[1, 2] == [2, 1]", false],
    ["obj != obj2", false],
    ["'a' != 'b'", true],
    // comparisons
    ["n > 200", true],
    ["s > 200", true],
    ["'10' > '9'", true],
    ["'b' > 'a'", true],
    ["'2026-11-29' < '2026-12-01'", true],
    ["n >= 201", true],
    ["n <= 200", false],
    ["nil < 1", false],
    ["t > 0", false],
    ["text < 5", false],
    // logic
    ["t AND f", false],
    ["t && 1", true],
    ["f OR 'x'", true],
    ["zero || empty", false],
    ["NOT zero", true],
    ["!arr", false],
    ["!nil", true],
    ["NOT []", false],
    // contains / in / matches
    ["text contains 'world'", true],
    ["text contains 'mars'", false],
    ["s contains 0", true],
    ["arr contains 'two'", true],
    ["arr contains arr[2]", true],
    ["arr contains '1'", true],
    ["obj contains 'a'", true],
    ["obj contains 'toString'", false],
    ["n contains 2", false],
    ["'two' in arr", true],
    ["'wor' in text", true],
    ["'b' in obj", true],
    ["3 in [1, 2]", false],
    ["n in [200, 201]", true],
    ["text matches '^hello\\\\s'", true],
    ["n matches '^20'", true],
    ["nil matches 'x'", false],
    // arithmetic and joining
    ["1 + 2", 3],
    ["'a' + 1", "a1"],
    ["s + 1", "2011"],
    ["'x' + nil", "x"],
    ["'x' + obj", 'x{"a":1,"b":[1,2]}'],
    ["arr + ''", '[1,"two",{"k":3}]'],
    ["n - 1", 200],
    ["s * 2", 402],
    ["7 / 2", 3.5],
    ["7 % 4", 3],
    ["-n", -201],
    ["+s", 201],
    ["t ? 'yes' : 'no'", "yes"],
    ["zero ? 'yes' : 'no'", "no"],
    ["1 + 2 * 3", 7],
    ["(1 + 2) * 3", 9],
  ])("%s → %j", (src, expected) => {
    expect(run(src)).toEqual(expected);
  });

  it("returns booleans from AND/OR and short-circuits", () => {
    expect(run("'a' AND 'b'")).toBe(true);
    // The right side would be an arithmetic error if it were evaluated.
    expect(run("f AND text - 1")).toBe(false);
    expect(run("t OR text - 1")).toBe(true);
  });

  it.each(["text - 1", "-text", "obj * 2", "nil % 2"])("refuses arithmetic on non-numbers: %s", (src) => {
    expect(() => run(src)).toThrow(expect.objectContaining({ code: "MFG_ERR_EXPR_EVAL" }));
  });

  it("reports an invalid regex held in data as MFG_ERR_EXPR_EVAL", () => {
    try {
      evaluate(parseExpression("text matches p"), { text: "x", p: "(" }, env);
      expect.unreachable();
    } catch (e) {
      expect(isMockForgeError(e, "MFG_ERR_EXPR_EVAL")).toBe(true);
    }
  });
});
