import { describe, expect, it } from "vitest";
import { consistencyRuleSchema } from "../config/schema/rules.js";
import { ManualClock } from "../core/clock.js";
import { seededRandom } from "../core/random.js";
import { evaluate, parseExpression, truthy } from "../expr/index.js";
import { createRuleEngine } from "./rule-engine.js";
import { gateOf } from "./rule-gate.js";
import { buildRuleIndex, guardOf } from "./rule-index.js";
import { conditionScope } from "./rule-scope.js";
import { exchange, ruleFakes } from "./test-support/rule-fakes.js";

const env = { clock: new ManualClock(), random: seededRandom(1), strict: true };
const view = (method: string, path: string, status: number) => ({ method, path, status, response: { status } });
const gate = (source: string) => gateOf(parseExpression(source), env);

describe("rule gate", () => {
  it("rules out what method, path and status alone decide", () => {
    expect(gate("status >= 599")!(view("GET", "/static", 200))).toBe(false);
    expect(gate("status >= 599")!(view("GET", "/static", 599))).toBe(true);
    expect(gate("response.status == 418")!(view("GET", "/x", 200))).toBe(false);
    expect(gate("path matches '^/admin/'")!(view("GET", "/static", 200))).toBe(false);
    expect(gate("path contains '/never/'")!(view("GET", "/a/never/b", 200))).toBe(true);
    expect(gate("NOT (method == 'GET' OR method == 'HEAD') AND status == 202")!(view("GET", "/x", 202))).toBe(false);
    expect(gate("NOT (method == 'GET' OR method == 'HEAD') AND status == 202")!(view("POST", "/x", 202))).toBe(true);
    expect(gate("method == 'POST' AND path == '/api/orders/1' AND status == 201")!(view("GET", "/static", 200))).toBe(false);
    expect(gate("status == 201 AND body.total > 5")!(view("POST", "/x", 200))).toBe(false);
  });

  it("keeps a rule whenever the rest of the exchange could still make it match", () => {
    expect(gate("status == 410 OR response.body.status == 'cancelled'")!(view("GET", "/x", 200))).toBe(true);
    expect(gate("NOT (status == 200 AND body.ok == true)")!(view("GET", "/x", 200))).toBe(true);
    expect(gate("body.status == 'completed'")).toBeNull();
    expect(gate("headers.x_flag == 'yes' OR query.flag == 'true'")).toBeNull();
    // A function call may be random (random_int, uuid): never decided ahead.
    expect(gate("random_int(1, 2) == 1 AND lower(method) == 'get'")).toBeNull();
  });

  it("never skips a condition that would have thrown: the error is counted as before", () => {
    // The left side may throw (text minus a number), so a false right side does not rule the rule out.
    expect(gate("body.total - 1 > 5 AND status == 201")!(view("POST", "/x", 200))).toBe(true);
    // A left side that compiles whole never throws, so there it does.
    expect(gate("body.total > 5 AND status == 201")!(view("POST", "/x", 200))).toBe(false);
    const fakes = ruleFakes();
    const engine = createRuleEngine([consistencyRuleSchema.parse({ name: "r", condition: "body.total - 1 > 5 AND status == 201", action: { type: "webhook", url: "http://127.0.0.1:1/" } })], fakes);
    expect(engine.mayMatch("POST", "/api/orders", 200)).toBe(true);
    expect(engine.evaluate(exchange({ status: 200, body: { total: "abc" } }))).toEqual([]);
    expect(engine.stats()[0]).toMatchObject({ conditionErrors: 1, matched: 0 });
  });

  it("agrees with the evaluator: a false gate is a condition that evaluates false without an error", () => {
    const conditions = [
      "status >= 500 OR path contains 'x'",
      "NOT (status < 300) AND method != 'GET'",
      "(status == 201 OR status == 200) AND response.body.total > 100",
      "path matches '^/api/' AND NOT (body.ok == true)",
      "!(method == 'POST') || status in [200, 201]",
      "path.length > 8 AND headers['content-type'] contains 'json'",
      "status - 200 == 1 AND body.customer_id == 'cust_1'",
      "response.status == 201 AND response.body.id == 'ord_1'",
    ];
    const exchanges = [
      exchange(),
      exchange({ method: "GET", path: "/static", status: 200, body: null }),
      exchange({ path: "/api/x", status: 503, body: { ok: true } }),
      exchange({ method: "PUT", path: "/other", status: 404, response: { status: 404, headers: {}, body: { total: 500 } } }),
    ];
    let ruledOut = 0;
    for (const source of conditions) {
      const expr = parseExpression(source);
      const g = gateOf(expr, env);
      for (const x of exchanges) {
        if (!g || g(view(x.request.method, x.request.path, x.response.status))) continue;
        ruledOut++;
        expect(truthy(evaluate(expr, conditionScope(x), env)), `${source} on ${x.request.method} ${x.request.path} ${x.response.status}`).toBe(false);
      }
    }
    expect(ruledOut).toBeGreaterThan(8);
  });
});

describe("rule index with gates", () => {
  const indexed = (sources: string[]) =>
    buildRuleIndex(sources.map((s, index) => ({ index, name: s, guard: guardOf(parseExpression(s)), gate: gateOf(parseExpression(s), env) })));

  it("lists the rules left for a method, path and status, the same list each time", () => {
    const index = indexed(["status >= 599", "method == 'POST' AND path == '/a'", "body.x == 1", "path matches '^/admin/'"]);
    const first = index.candidates("GET", "/static", 200);
    expect(first.map((r) => r.index)).toEqual([2]);
    expect(index.candidates("GET", "/static", 200)).toBe(first);
    expect(index.candidates("GET", "/admin/users", 599).map((r) => r.index)).toEqual([0, 2, 3]);
    expect(index.candidates("POST", "/a", 201).map((r) => r.index)).toEqual([1, 2]);
    // Without a status only the method and path guards apply.
    expect(index.candidates("GET", "/static").map((r) => r.index)).toEqual([0, 2, 3]);
  });

  it("stays right past the number of kinds of request it remembers", () => {
    const index = indexed(["path matches '^/p/1'", "status == 418"]);
    for (let i = 0; i < 12_000; i++) {
      const got = index.candidates("GET", `/p/${i}`, i % 2 ? 418 : 200).map((r) => r.index);
      expect(got).toEqual([...(String(i).startsWith("1") ? [0] : []), ...(i % 2 ? [1] : [])]);
    }
  });

  it("tells the engine when no rule can match, so it builds no exchange", () => {
    const engine = createRuleEngine(
      ["status >= 599", "method == 'POST' AND path == '/api/orders/1' AND status == 201", "path matches '^/admin/'", "NOT (method == 'GET' OR method == 'HEAD') AND status == 202"].map((condition, i) =>
        consistencyRuleSchema.parse({ name: `r${i}`, condition, action: { type: "webhook", url: "http://127.0.0.1:1/" } }),
      ),
      ruleFakes(),
    );
    expect(engine.mayMatch("GET", "/static", 200)).toBe(false);
    expect(engine.mayMatch("POST", "/api/orders/1", 201)).toBe(true);
    expect(engine.mayMatch("GET", "/admin/x", 200)).toBe(true);
    expect(engine.evaluate(exchange({ method: "POST", path: "/api/orders/1", status: 201 }))).toEqual(["r1"]);
  });
});
