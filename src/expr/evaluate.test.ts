import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.js";
import { seededRandom } from "../core/random.js";
import { evaluate } from "./evaluate.js";
import { parseExpression } from "./parse-expression.js";
import type { EvalEnv } from "./types.js";

function setup(strict = false) {
  const warnings: { message: string; name: string }[] = [];
  const env: EvalEnv = {
    clock: new ManualClock(),
    random: seededRandom(1),
    strict,
    warn: (message, name) => warnings.push({ message, name }),
  };
  const run = (src: string, scope: Record<string, unknown>) => evaluate(parseExpression(src), scope, env);
  return { env, warnings, run };
}

const scope = {
  request: { body: { customer_id: "c1", items: [{ sku: "A" }, { sku: "B" }], nothing: null }, headers: { "x-id": "7" } },
  chain: { order: { order_id: "o-1" } },
  name: "abc",
  i: 1,
};

describe("evaluate: names and lookup", () => {
  it("reads dotted, indexed and computed paths", () => {
    const { run } = setup();
    expect(run("request.body.customer_id", scope)).toBe("c1");
    expect(run("request.body.items[1].sku", scope)).toBe("B");
    expect(run("request.body.items[i].sku", scope)).toBe("B");
    expect(run("request.headers['x-id']", scope)).toBe("7");
    expect(run("request.body.items.length", scope)).toBe(2);
    expect(run("name.length", scope)).toBe(3);
    expect(run("name[0]", scope)).toBe("a");
    expect(run("[10, 20][1]", scope)).toBe(20);
    expect(run("json(chain.order).length", scope)).toBe(18);
    expect(run("request.body.nothing", scope)).toBeNull();
  });

  it("resolves built-in names from the env clock and random unless the scope defines them", () => {
    const { run } = setup(true);
    expect(run("now", {})).toBe("2026-11-29T08:00:00.000Z");
    expect(run("now_unix", {})).toBe(1795939200);
    expect(run("uuid", {})).toMatch(/^[0-9a-f-]{36}$/);
    expect(run("now", { now: "frozen" })).toBe("frozen");
  });

  it("lenient: a missing root is undefined with a warning naming the full path", () => {
    const { run, warnings } = setup(false);
    expect(run("variables.order.id", scope)).toBeUndefined();
    expect(warnings).toEqual([{ name: "variables.order.id", message: expect.stringContaining("no name 'variables'") }]);
  });

  it("strict: a missing root is MFG_ERR_EXPR_MISSING_NAME listing the known names", () => {
    const { run } = setup(true);
    expect(() => run("variables.order.id", scope)).toThrow(
      expect.objectContaining({
        code: "MFG_ERR_EXPR_MISSING_NAME",
        details: expect.objectContaining({ name: "variables.order.id", hint: expect.stringContaining("request, chain, name, i, now") }),
      }),
    );
  });

  it.each([true, false])("strict=%s: a missing nested property is undefined with a warning", (strict) => {
    const { run, warnings } = setup(strict);
    expect(run("request.body.missing.x", scope)).toBeUndefined();
    expect(run("request.body.nothing.x", scope)).toBeUndefined();
    expect(run("request.body.items[5].sku", scope)).toBeUndefined();
    expect(run("request.body.items[i + 9]", scope)).toBeUndefined();
    expect(warnings.map((w) => w.name)).toEqual([
      "request.body.missing.x",
      "request.body.nothing.x",
      "request.body.items.5.sku",
      "request.body.items.10",
    ]);
    expect(warnings[0]!.message).toContain("'request.body' has no 'missing'");
    expect(warnings[1]!.message).toContain("'request.body.nothing' is null");
  });

  it("lets conditions test absent fields without failing", () => {
    const { run } = setup(true);
    expect(run("request.body.status == 'completed'", scope)).toBe(false);
    expect(run("request.body.status == null", scope)).toBe(true);
  });

  it("refuses a computed key that is neither text nor a number", () => {
    const { run } = setup();
    expect(() => run("request.body[request.body]", scope)).toThrow(expect.objectContaining({ code: "MFG_ERR_EXPR_EVAL" }));
  });

  it("works on scopes without a prototype", () => {
    const { run } = setup(true);
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: { b: 2 } });
    expect(run("a.b * 2", bare)).toBe(4);
  });
});
