import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.js";
import { seededRandom } from "../core/random.js";
import { evaluate, parseExpression, truthy } from "../expr/index.js";
import { compileFastCondition } from "./fast-condition.js";
import { buildRuleIndex, guardOf } from "./rule-index.js";
import { conditionScope, ExchangeInput } from "./rule-scope.js";
import { exchange } from "./test-support/rule-fakes.js";

const env = { clock: new ManualClock(), random: seededRandom(1), strict: true };

const conditions = [
  "method == 'POST' AND path == '/api/orders' AND status == 201",
  "method == 'POST' AND path == '/api/payments' AND body.status == 'completed'",
  "status == '201'",
  "status != 201 OR method == 'GET'",
  "response.body.total > 100",
  "response.body.total >= '120'",
  "response.body.total < 100 || !(status >= 200)",
  "body.count <= 3",
  "body.name > 'm'",
  "body.items contains 'b'",
  "'b' in body.items",
  "body contains 'customer_id'",
  "headers['content-type'] contains 'json'",
  "body.items.length == 3",
  "body.items[1] == 'b'",
  "body.missing.deep == null",
  "NOT body.flag",
  "path matches '^/api/(orders|payments)$'",
  "lower(method) == 'post'",
  "body.nested == body.nested",
  "response.body == {}".replace("{}", "null"),
  "query.page == 2",
  "params.id == '7'",
  "status == 201 AND response.body.id contains 'ord'",
];

const exchanges = [
  exchange(),
  exchange({ method: "GET", status: 200, body: null, response: { status: 200, headers: {}, body: null } }),
  exchange({ path: "/api/payments", body: { status: "completed", count: "3", name: "zed", items: ["a", "b", "c"], flag: 0, nested: { a: [1] } }, query: { page: "2" }, params: { id: "7" } }),
  exchange({ status: 404, body: { count: "x", items: "abc", flag: true }, response: { status: 404, headers: {}, body: { total: "99.5", id: 5 } } }),
  exchange({ body: [1, 2, 3], response: { status: 201, headers: {}, body: { total: 100 } } }),
];

describe("compileFastCondition", () => {
  it.each(conditions)("agrees with the evaluator: %s", (source) => {
    const expr = parseExpression(source);
    const fast = compileFastCondition(expr, env);
    for (const x of exchanges) {
      // The evaluator reads the names as an object; the closures read the exchange itself.
      const scope = conditionScope(x);
      const input = new ExchangeInput().set(x);
      let expected: unknown;
      try {
        expected = truthy(evaluate(expr, scope, env));
      } catch (e) {
        expected = e;
      }
      if (expected instanceof Error) expect(() => fast(input)).toThrow(expected.message);
      else expect(fast(input)).toBe(expected);
    }
  });
});

describe("rule index", () => {
  it("reads the method and path a condition pins", () => {
    expect(guardOf(parseExpression("method == 'POST' AND path == '/api/orders' AND status == 201"))).toEqual({ method: "POST", path: "/api/orders" });
    expect(guardOf(parseExpression("'/x' == path && body.a == 1"))).toEqual({ method: null, path: "/x" });
    expect(guardOf(parseExpression("method == 'POST' OR path == '/x'"))).toEqual({ method: null, path: null });
    expect(guardOf(parseExpression("NOT method == 'GET'"))).toEqual({ method: null, path: null });
  });

  it("returns candidates in config order across buckets", () => {
    const rules = [
      { index: 0, guard: { method: "POST", path: "/a" } },
      { index: 1, guard: { method: null, path: null } },
      { index: 2, guard: { method: "POST", path: null } },
      { index: 3, guard: { method: null, path: "/a" } },
      { index: 4, guard: { method: "GET", path: "/b" } },
    ];
    const index = buildRuleIndex(rules);
    expect(index.candidates("POST", "/a").map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect(index.candidates("GET", "/b").map((r) => r.index)).toEqual([1, 4]);
    expect(buildRuleIndex(rules.filter((r) => r.guard.method)).candidates("PUT", "/z")).toEqual([]);
  });
});
