import { describe, expect, it } from "vitest";
import { typedConditionSchema, type TypedCondition } from "../config/schema/chaos.js";
import { ExecutionContext } from "./execution-context.js";
import { evaluateTypedCondition } from "./typed-condition.js";

function contextWith(variables: Record<string, unknown>): ExecutionContext {
  const ctx = new ExecutionContext({ variables });
  ctx.recordStep({ name: "create_order", outcome: "succeeded", status: 201, headers: {}, body: { id: "ord_1" }, extracted: {}, error: null });
  return ctx;
}

const vars = { response_status: 404, status_text: "404", order_status: "completed", total: "120.50", tags: ["a", "b"], order: { id: "ord_9" }, nothing: null };

const table: [string, TypedCondition, boolean][] = [
  ["equals number", { type: "equals", variable: "response_status", value: 404 }, true],
  ["equals numeric string vs number", { type: "equals", variable: "status_text", value: 404 }, true],
  ["equals number vs numeric string", { type: "equals", variable: "response_status", value: "404.0" }, true],
  ["equals text", { type: "equals", variable: "order_status", value: "completed" }, true],
  ["equals text differs", { type: "equals", variable: "order_status", value: "pending" }, false],
  ["not_equals", { type: "not_equals", variable: "order_status", value: "pending" }, true],
  ["greater_than numeric string", { type: "greater_than", variable: "total", value: 100 }, true],
  ["greater_than_or_equal at the bound", { type: "greater_than_or_equal", variable: "response_status", value: 404 }, true],
  ["greater_than_or_equal string value", { type: "greater_than_or_equal", variable: "status_text", value: "400" }, true],
  ["less_than", { type: "less_than", variable: "response_status", value: 400 }, false],
  ["less_than_or_equal", { type: "less_than_or_equal", variable: "total", value: "120.5" }, true],
  ["numeric compare is not text compare", { type: "greater_than", variable: "status_text", value: "1000" }, false],
  ["exists", { type: "exists", variable: "order_status" }, true],
  ["exists null", { type: "exists", variable: "nothing" }, false],
  ["exists missing", { type: "exists", variable: "nope" }, false],
  ["contains substring", { type: "contains", variable: "order_status", value: "plete" }, true],
  ["contains element", { type: "contains", variable: "tags", value: "b" }, true],
  ["matches pattern", { type: "matches", variable: "order_status", pattern: "^comp" }, true],
  ["matches value", { type: "matches", variable: "status_text", value: "^4\\d\\d$" }, true],
  ["path into a variable", { type: "equals", variable: "order.id", value: "ord_9" }, true],
  ["variables. path", { type: "equals", variable: "variables.order_status", value: "completed" }, true],
  ["steps path", { type: "equals", variable: "steps.create_order.status", value: 201 }, true],
  ["and", { type: "and", conditions: [{ type: "exists", variable: "total" }, { type: "equals", variable: "response_status", value: 404 }] }, true],
  ["or", { type: "or", conditions: [{ type: "equals", variable: "response_status", value: 200 }, { type: "equals", variable: "response_status", value: 404 }] }, true],
  ["not", { type: "not", condition: { type: "equals", variable: "response_status", value: 200 } }, true],
  ["previous_step_succeeded", { type: "previous_step_succeeded" }, true],
  ["previous_step_failed", { type: "previous_step_failed" }, false],
];

describe("evaluateTypedCondition", () => {
  it.each(table)("%s", (_name, cond, expected) => {
    expect(typedConditionSchema.safeParse(cond).success).toBe(true);
    const warnings: string[] = [];
    expect(evaluateTypedCondition(cond, contextWith(vars), (w) => warnings.push(w))).toBe(expected);
    expect(warnings).toEqual([]);
  });

  it("a missing variable is false and records a warning", () => {
    const ctx = contextWith({});
    const result = evaluateTypedCondition({ type: "equals", variable: "order_status", value: "completed" }, ctx, (w) => ctx.warn(w));
    expect(result).toBe(false);
    expect(ctx.warnings).toEqual(["condition 'equals' names variable 'order_status', which is not set: evaluated as false"]);
  });

  it("comparing a number with text is false with a warning", () => {
    const warnings: string[] = [];
    expect(evaluateTypedCondition({ type: "greater_than", variable: "tags", value: 1 }, contextWith(vars), (w) => warnings.push(w))).toBe(false);
    expect(warnings[0]).toMatch(/cannot compare/);
  });

  it("an invalid pattern is false with a warning", () => {
    const warnings: string[] = [];
    expect(evaluateTypedCondition({ type: "matches", variable: "order_status", pattern: "(" }, contextWith(vars), (w) => warnings.push(w))).toBe(false);
    expect(warnings[0]).toMatch(/matches/);
  });

  it("matches runs in linear time on a variable's value (issue 14: a response cannot stall the server)", () => {
    const ctx = contextWith({ ...vars, evil: `${"a".repeat(31)}!` });
    const t = performance.now();
    expect(evaluateTypedCondition({ type: "matches", variable: "evil", pattern: "^(a+)+$" }, ctx, () => {})).toBe(false);
    expect(performance.now() - t).toBeLessThan(500);
    const warnings: string[] = [];
    expect(evaluateTypedCondition({ type: "matches", variable: "evil", pattern: "(a)\\1" }, ctx, (w) => warnings.push(w))).toBe(false);
    expect(warnings[0]).toMatch(/RE2|backreference|escape/);
  });

  it("previous_step_* are both false before any step finished", () => {
    const ctx = new ExecutionContext();
    expect(evaluateTypedCondition({ type: "previous_step_succeeded" }, ctx, () => {})).toBe(false);
    expect(evaluateTypedCondition({ type: "previous_step_failed" }, ctx, () => {})).toBe(false);
  });
});
