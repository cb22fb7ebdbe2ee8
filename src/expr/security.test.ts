import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.js";
import { isMockForgeError } from "../core/errors.js";
import { seededRandom } from "../core/random.js";
import { evaluate } from "./evaluate.js";
import { parseExpression } from "./parse-expression.js";

const env = { clock: new ManualClock(), random: seededRandom(1), strict: true };

/** Parses and evaluates; returns the error code (every attempt here must fail with one). */
function refusal(src: string, scope: Record<string, unknown> = { a: { b: 1 }, s: "text", arr: [1] }): string {
  try {
    evaluate(parseExpression(src), scope, env);
  } catch (e) {
    if (isMockForgeError(e)) return e.code;
    throw e;
  }
  throw new Error(`expected ${src} to be refused`);
}

describe("injection attempts are refused with a code and never execute", () => {
  it.each([
    ["constructor.constructor('return process')()", "MFG_ERR_EXPR_FORBIDDEN"],
    ["a.constructor.constructor('return process')()", "MFG_ERR_EXPR_FORBIDDEN"],
    ["a['constructor']", "MFG_ERR_EXPR_FORBIDDEN"],
    ["a['const' + 'ructor']", "MFG_ERR_EXPR_FORBIDDEN"],
    ["a.__proto__", "MFG_ERR_EXPR_FORBIDDEN"],
    ["a['__proto__']", "MFG_ERR_EXPR_FORBIDDEN"],
    ["a.prototype", "MFG_ERR_EXPR_FORBIDDEN"],
    ["a.__defineGetter__", "MFG_ERR_EXPR_FORBIDDEN"],
    ["s.constructor", "MFG_ERR_EXPR_FORBIDDEN"],
    ["({}).x", "MFG_ERR_EXPR_SYNTAX"],
    ["this", "MFG_ERR_EXPR_SYNTAX"],
    ["a.b()", "MFG_ERR_EXPR_FORBIDDEN"],
    ["s.toString()", "MFG_ERR_EXPR_FORBIDDEN"],
    ["(a)()", "MFG_ERR_EXPR_FORBIDDEN"],
    ["hash(1)()", "MFG_ERR_EXPR_FORBIDDEN"],
    ["process", "MFG_ERR_EXPR_MISSING_NAME"],
    ["process.env", "MFG_ERR_EXPR_MISSING_NAME"],
    ["globalThis", "MFG_ERR_EXPR_MISSING_NAME"],
    ["require('fs')", "MFG_ERR_EXPR_FORBIDDEN"],
    ["eval('1')", "MFG_ERR_EXPR_FORBIDDEN"],
    ["Function('return 1')", "MFG_ERR_EXPR_FORBIDDEN"],
    [`s matches '${"a".repeat(10_000)}'`, "MFG_ERR_EXPR_FORBIDDEN"],
    ["a; process.exit(1)", "MFG_ERR_EXPR_SYNTAX"],
  ])("%s → %s", (src, code) => {
    expect(refusal(src)).toBe(code);
  });

  it("refuses a computed key that resolves to a forbidden name", () => {
    expect(refusal("a[k]", { a: {}, k: "__proto__" })).toBe("MFG_ERR_EXPR_FORBIDDEN");
    expect(refusal("a[k]", { a: {}, k: "constructor" })).toBe("MFG_ERR_EXPR_FORBIDDEN");
  });

  it("refuses a long pattern held in data and an over-long input", () => {
    expect(refusal("s matches p", { s: "x", p: "a".repeat(10_000) })).toBe("MFG_ERR_EXPR_FORBIDDEN");
    expect(refusal("s matches 'x'", { s: "x".repeat(64 * 1024 + 1) })).toBe("MFG_ERR_EXPR_FORBIDDEN");
  });

  it("never returns or calls a function found in the scope", () => {
    let called = false;
    const fn = () => {
      called = true;
      return 1;
    };
    expect(refusal("f", { f: fn })).toBe("MFG_ERR_EXPR_FORBIDDEN");
    expect(refusal("o.f", { o: { f: fn } })).toBe("MFG_ERR_EXPR_FORBIDDEN");
    expect(refusal("f()", { f: fn })).toBe("MFG_ERR_EXPR_FORBIDDEN");
    expect(called).toBe(false);
  });

  it("reads own properties only, never the prototype chain", () => {
    const lenient = { ...env, strict: false };
    const proto = { secret: "inherited" };
    const scope = { o: Object.create(proto) as object, arr: [1, 2], s: "abc" };
    expect(evaluate(parseExpression("o.secret"), scope, lenient)).toBeUndefined();
    expect(evaluate(parseExpression("o.toString"), scope, lenient)).toBeUndefined();
    expect(evaluate(parseExpression("arr.map"), scope, lenient)).toBeUndefined();
    expect(evaluate(parseExpression("s.toUpperCase"), scope, lenient)).toBeUndefined();
    expect(evaluate(parseExpression("hasOwnProperty"), scope, lenient)).toBeUndefined();
    expect(evaluate(parseExpression("toString"), Object.create({ toString: 1 }) as Record<string, unknown>, lenient)).toBeUndefined();
  });
});
