import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.js";
import type { MockForgeError } from "../core/errors.js";
import { seededRandom } from "../core/random.js";
import type { EvalEnv } from "../expr/index.js";
import { compileCondition } from "./condition.js";
import { mockForgeErrorOf } from "../core/test-support/thrown.js";

const env: EvalEnv = { clock: new ManualClock(), random: seededRandom(1) };

function conditionError(src: string, path?: string): MockForgeError {
  return mockForgeErrorOf(() => compileCondition(src, path), String(src));
}

describe("compileCondition", () => {
  it("evaluates the seed's chain conditions", () => {
    const paid = compileCondition("{{chain.payment_response.status}} == 'succeeded'");
    expect(paid.evaluate({ chain: { payment_response: { status: "succeeded" } } }, env)).toBe(true);
    expect(paid.evaluate({ chain: { payment_response: { status: "failed" } } }, env)).toBe(false);
    expect(paid.references()).toEqual(["chain.payment_response.status"]);

    const processing = compileCondition("{{chain.payment.status}} == 'processing'");
    expect(processing.evaluate({ chain: { payment: { status: "processing" } } }, env)).toBe(true);
  });

  it("evaluates the seed's rule conditions as plain expressions", () => {
    const created = compileCondition("method == 'POST' AND path == '/api/orders' AND status == 201");
    expect(created.evaluate({ method: "POST", path: "/api/orders", status: 201 }, env)).toBe(true);
    expect(created.evaluate({ method: "GET", path: "/api/orders", status: 201 }, env)).toBe(false);
    const completed = compileCondition("method == 'POST' AND path == '/api/payments' AND body.status == 'completed'");
    expect(completed.evaluate({ method: "POST", path: "/api/payments", body: { status: "completed" } }, env)).toBe(true);
    expect(completed.evaluate({ method: "POST", path: "/api/payments", body: {} }, env)).toBe(false);
  });

  it("never parses an inserted value as code", () => {
    const c = compileCondition("{{request.body.note}} == 'x'");
    expect(c.evaluate({ request: { body: { note: "x' OR 'a' == 'a" } } }, env)).toBe(false);
    expect(c.evaluate({ request: { body: { note: "x" } } }, env)).toBe(true);
  });

  it("joins templates written inside quotes as text", () => {
    const c = compileCondition("'{{a}}-{{b}}' == '1-x'");
    expect(c.evaluate({ a: 1, b: "x" }, env)).toBe(true);
    expect(compileCondition("'{{a}}' == '1'").evaluate({ a: 1 }, env)).toBe(true);
    expect(compileCondition("\"id:{{ a == 'q' ? 'yes' : 'no' }}\" == 'id:yes'").evaluate({ a: "q" }, env)).toBe(true);
    expect(compileCondition("'\\{{a}}' == '{' + '{a}}'").evaluate({ a: 1 }, env)).toBe(true);
    expect(compileCondition("'{{' == x").evaluate({ x: "{{" }, env)).toBe(true);
  });

  it("coerces the result to a boolean by truthiness", () => {
    expect(compileCondition("{{ items }}").evaluate({ items: [] }, env)).toBe(true);
    expect(compileCondition("count").evaluate({ count: 0 }, env)).toBe(false);
    expect(compileCondition("name").evaluate({ name: "" }, env)).toBe(false);
  });

  it("treats a missing root name as an error unless strict is explicitly false", () => {
    const c = compileCondition("{{chain.payment.status}} == 'ok'");
    expect(() => c.evaluate({}, env)).toThrow(expect.objectContaining({ code: "MFG_ERR_EXPR_MISSING_NAME" }));
    const warnings: string[] = [];
    expect(c.evaluate({}, { ...env, strict: false, warn: (_m, n) => warnings.push(n) })).toBe(false);
    expect(warnings).toEqual(["chain.payment.status"]);
  });

  it("points syntax errors at the condition as written", () => {
    const e = conditionError("{{chain.payment.status}} === 'ok'", "links[2].condition");
    expect(e.code).toBe("MFG_ERR_EXPR_SYNTAX");
    expect(e.details).toMatchObject({ position: 25, path: "links[2].condition", expression: "{{chain.payment.status}} === 'ok'" });
    expect(e.message).toContain("`{{chain.payment.status}} === 'ok'`");
    expect(e.message).toContain("(at character 25)");

    expect(conditionError("{{a}} == 'x' b")).toMatchObject({ details: { position: 13 } });
    expect(conditionError("{{a == 'x'")).toMatchObject({ code: "MFG_ERR_EXPR_SYNTAX", details: { position: 0 } });
    expect(conditionError("a ==", "rules[0].condition")).toMatchObject({ details: { position: 4, path: "rules[0].condition" } });
    expect(conditionError("{{ a.__proto__ }} == 1")).toMatchObject({ code: "MFG_ERR_EXPR_FORBIDDEN" });
  });
});
