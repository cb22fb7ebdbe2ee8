import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.js";
import type { MockForgeError } from "../core/errors.js";
import { seededRandom } from "../core/random.js";
import type { EvalEnv } from "../expr/index.js";
import { compileTemplate } from "./compile-template.js";
import { mockForgeErrorOf } from "../core/test-support/thrown.js";

function setup(strict = false) {
  const warnings: { message: string; name: string }[] = [];
  const env: EvalEnv = { clock: new ManualClock(), random: seededRandom(1), strict, warn: (message, name) => warnings.push({ message, name }) };
  return { env, warnings };
}

const scope = {
  base_url: "http://127.0.0.1:3000",
  env: { WEBHOOK_SECRET: "whsec", WEBHOOK_TOKEN: "tok" },
  variables: { order_items: [{ sku: "A", qty: 2 }], order_total: 42.5, flag: false, nothing: null },
  chain: { order: { order_id: "o-1", total: 99 }, payment: { payment_id: "p-7" } },
  request: { method: "POST", body: { customer_id: "c-9", items: ["x", "y"] } },
  body: '{"amount":10}',
  evil: "{{env.WEBHOOK_SECRET}}",
};

function compileError(value: unknown, path?: string): MockForgeError {
  return mockForgeErrorOf(() => compileTemplate(value, path), String(value));
}

describe("compileTemplate", () => {
  it("keeps the type of a whole-value template", () => {
    const { env } = setup();
    const r = (s: string) => compileTemplate(s).render(scope, env);
    expect(r("{{variables.order_items}}")).toEqual([{ sku: "A", qty: 2 }]);
    expect(r("  {{ variables.order_total }} ")).toBe(42.5);
    expect(r("{{variables.flag}}")).toBe(false);
    expect(r("{{variables.nothing}}")).toBeNull();
    expect(r("{{chain.order}}")).toEqual({ order_id: "o-1", total: 99 });
  });

  it("renders mixed strings as text: null → '', objects as JSON, numbers and booleans via String", () => {
    const { env } = setup();
    const r = (s: string) => compileTemplate(s).render(scope, env);
    expect(r("{{base_url}}/api/payments/{{chain.payment.payment_id}}/callback")).toBe("http://127.0.0.1:3000/api/payments/p-7/callback");
    expect(r("Bearer {{env.WEBHOOK_TOKEN}}")).toBe("Bearer tok");
    expect(r("items={{variables.order_items}}")).toBe('items=[{"sku":"A","qty":2}]');
    expect(r("n={{variables.nothing}}|{{variables.flag}}|{{chain.order.total}}")).toBe("n=|false|99");
    expect(r("{{ '{{' }}literal")).toBe("{{literal");
  });

  it("renders the seed's template strings", () => {
    const { env } = setup(true);
    const r = (s: string) => compileTemplate(s).render(scope, env);
    expect(r("{{now}}")).toBe("2026-11-29T08:00:00.000Z");
    expect(r("{{uuid}}")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(r("{{variables.order_items}}")).toEqual(scope.variables.order_items);
    expect(r("{{chain.order.order_id}}")).toBe("o-1");
    expect(r("{{request.body.customer_id}}")).toBe("c-9");
    expect(r("{{hash(env.WEBHOOK_SECRET + request.body)}}")).toBe(
      createHash("sha256").update('whsec{"customer_id":"c-9","items":["x","y"]}').digest("hex"),
    );
    expect(r("{{hmac_sha256(env.WEBHOOK_SECRET, body)}}")).toBe(createHmac("sha256", "whsec").update('{"amount":10}').digest("hex"));
  });

  it("renders nested objects and arrays, sharing constant parts", () => {
    const { env } = setup();
    const constant = { fixed: [1, 2] };
    const value = {
      url: "{{base_url}}/api/orders",
      headers: { "X-Webhook-Signature": "{{env.WEBHOOK_SECRET}}", Accept: "application/json" },
      body: { order_id: "{{chain.order.order_id}}", list: ["a", "{{chain.order.total}}", { deep: "{{request.method}}" }], constant },
      retries: 3,
    };
    const out = compileTemplate(value).render(scope, env) as typeof value;
    expect(out).toEqual({
      url: "http://127.0.0.1:3000/api/orders",
      headers: { "X-Webhook-Signature": "whsec", Accept: "application/json" },
      body: { order_id: "o-1", list: ["a", 99, { deep: "POST" }], constant: { fixed: [1, 2] } },
      retries: 3,
    });
    expect(out.body.constant).toBe(constant);
    expect(value.url).toBe("{{base_url}}/api/orders");
  });

  it("never expands an inserted value again", () => {
    const { env } = setup();
    expect(compileTemplate("{{evil}}").render(scope, env)).toBe("{{env.WEBHOOK_SECRET}}");
    expect(compileTemplate("x {{evil}} y").render(scope, env)).toBe("x {{env.WEBHOOK_SECRET}} y");
  });

  it("renders a missing name as empty and warns with the config path and the name", () => {
    const { env, warnings } = setup();
    const t = compileTemplate({ body: { order_id: "{{chain.missing.order_id}}", note: "id={{variables.nope}}" } }, "links[1].request");
    expect(t.render(scope, env)).toEqual({ body: { order_id: "", note: "id=" } });
    expect(warnings.map((w) => w.name)).toEqual(["chain.missing.order_id", "variables.nope"]);
    expect(warnings[0]!.message).toContain("links[1].request.body.order_id");
    expect(warnings[0]!.message).toContain("'chain' has no 'missing'");
  });

  it("in strict mode a missing root name is an error carrying the path", () => {
    const { env } = setup(true);
    const t = compileTemplate({ url: "{{nope}}/x" }, "links[0].request");
    expect(() => t.render(scope, env)).toThrow(
      expect.objectContaining({ code: "MFG_ERR_EXPR_MISSING_NAME", details: expect.objectContaining({ path: "links[0].request.url" }) }),
    );
  });

  it("compiles a value without templates to a constant that returns the same reference", () => {
    const { env } = setup();
    const value = { a: [1, { b: "plain" }], c: "no braces { here }" };
    const t = compileTemplate(value);
    expect(t.constant).toBe(true);
    expect(t.references()).toEqual([]);
    // Micro-check: a constant render is the identity, so it cannot copy or allocate per call.
    for (let i = 0; i < 1000; i++) expect(t.render({}, env)).toBe(value);
    expect(compileTemplate(7).render({}, env)).toBe(7);
    expect(compileTemplate(null).render({}, env)).toBeNull();
  });

  it("lists every referenced path", () => {
    const t = compileTemplate({ a: "{{chain.order.order_id}}", b: ["{{request.body.customer_id}} {{chain.order.order_id}}"], c: "{{now}}" });
    expect(t.constant).toBe(false);
    expect(t.references()).toEqual(["chain.order.order_id", "request.body.customer_id", "now"]);
  });

  it("reports syntax errors with the config path and the position in the string", () => {
    const e = compileError({ links: [{}, { request: { body: { order_id: "id: {{chain.order. }}" } } }] });
    expect(e.code).toBe("MFG_ERR_TEMPLATE_SYNTAX");
    expect(e.details.path).toBe("links[1].request.body.order_id");
    expect(e.details.position).toBe(19);
    expect(e.message).toContain("links[1].request.body.order_id");

    const unclosed = compileError("abc {{now", "url");
    expect(unclosed).toMatchObject({ code: "MFG_ERR_TEMPLATE_SYNTAX", details: { path: "url", position: 4 } });
    expect(unclosed.message).toContain("never closed");

    expect(compileError("{{ }}", "x")).toMatchObject({ code: "MFG_ERR_TEMPLATE_SYNTAX", details: { position: 2 } });
    expect(compileError("{{ a b }}", "x")).toMatchObject({ code: "MFG_ERR_TEMPLATE_SYNTAX", details: { position: 5 } });
  });

  it("keeps the forbidden code for forbidden constructs, with the path", () => {
    expect(compileError({ h: "{{ env.constructor }}" })).toMatchObject({ code: "MFG_ERR_EXPR_FORBIDDEN", details: { path: "h" } });
    expect(compileError({ h: "{{ require('fs') }}" })).toMatchObject({ code: "MFG_ERR_EXPR_FORBIDDEN", details: { path: "h" } });
  });

  it("finds the closing braces after quoted '}}'", () => {
    const { env } = setup();
    expect(compileTemplate("{{ '}}' + 'x' }}!").render({}, env)).toBe("}}x!");
  });

  it("keeps a literal __proto__ key as a plain property", () => {
    const { env } = setup();
    const value = JSON.parse('{"__proto__": {"polluted": "{{request.method}}"}}') as Record<string, unknown>;
    const out = compileTemplate(value).render(scope, env) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("time in one render", () => {
  /** A clock that moves 1.5 s every time it is read: the worst case of a slow render. */
  function steppedClock() {
    const c = new ManualClock(Date.UTC(2026, 10, 29, 8, 0, 0, 900));
    const now = c.now.bind(c);
    let reads = 0;
    c.now = () => now() + 1500 * reads++;
    return c;
  }

  it("every now and now_unix in one render is the same instant", () => {
    const env: EvalEnv = { clock: steppedClock(), random: seededRandom(1) };
    const t = compileTemplate({ a: "{{now_unix}}", b: "t={{now_unix}},v1={{hmac_sha256('k', now_unix + '.' + body)}}", c: "{{now}}", d: "{{now()}}" });
    const out = t.render({ body: "{}" }, env) as Record<string, string | number>;
    expect(out.b).toBe(`t=${out.a},v1=${createHmac("sha256", "k").update(`${out.a}.{}`).digest("hex")}`);
    expect(out.c).toBe(new Date(Number(out.a) * 1000 + 900).toISOString());
    expect(out.d).toBe(out.c);
  });

  it("a new render reads the clock again", () => {
    const env: EvalEnv = { clock: steppedClock(), random: seededRandom(1) };
    const t = compileTemplate("{{now_unix}}");
    expect(t.render({}, env)).not.toBe(t.render({}, env));
  });
});
