import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.js";
import { seededRandom } from "../core/random.js";
import { compileBodyTemplate, compileTemplate } from "../template/index.js";
import { renderBodyThenHeaders } from "./prepare-request.js";

const env = { clock: new ManualClock(), random: seededRandom(1) };

describe("renderBodyThenHeaders", () => {
  const sig = compileTemplate({ "X-Sig": "{{hmac_sha256('k', body)}}", "X-Who": "{{request.body.who}}" });
  const hmac = (t: string) => createHmac("sha256", "k").update(t).digest("hex");

  it("gives header templates the exact body text as `body`, over whatever the caller's scope calls `body`", () => {
    const r = renderBodyThenHeaders({ body: compileTemplate({ n: "{{body.n}}" }), headers: sig }, { body: { n: 3 }, request: { body: { who: "me" } } }, env);
    expect(r.body).toEqual({ value: { n: 3 }, data: { n: 3 }, text: '{"n":3}', json: true });
    expect(r.headers).toEqual({ "X-Sig": hmac('{"n":3}'), "X-Who": "me", "content-type": "application/json" });
  });

  it("with parseJsonText, keeps JSON text as sent, reads it as data, and marks it JSON", () => {
    const r = renderBodyThenHeaders({ body: compileTemplate('{"a": "{{x}}"}'), headers: sig }, { x: "y" }, env, { parseJsonText: true });
    expect(r.body).toEqual({ value: '{"a": "y"}', data: { a: "y" }, text: '{"a": "y"}', json: true });
    expect(r.headers["X-Sig"]).toBe(hmac('{"a": "y"}'));
    expect(r.headers["content-type"]).toBe("application/json");
    const plain = renderBodyThenHeaders({ body: compileTemplate('{"a": "{{x}}"}'), headers: null }, { x: "y" }, env);
    expect(plain).toEqual({ body: { value: '{"a": "y"}', data: '{"a": "y"}', text: '{"a": "y"}', json: false }, headers: {} });
  });

  it("adds the caller's headerScope names after the body is known, but never replaces `body`", () => {
    const r = renderBodyThenHeaders({ body: compileTemplate({ who: "it" }), headers: sig }, {}, env, {
      headerScope: (b) => ({ request: { body: b.data }, body: "not this" }),
    });
    expect(r.headers["X-Who"]).toBe("it");
    expect(r.headers["X-Sig"]).toBe(hmac('{"who":"it"}'));
  });

  it("signs the empty text when there is no body", () => {
    const r = renderBodyThenHeaders({ body: null, headers: sig }, {}, env);
    expect(r).toEqual({ body: { value: undefined, data: undefined, text: null, json: false }, headers: { "X-Sig": hmac(""), "X-Who": "" } });
  });

  it("sends a string body as rendered and adds no content-type", () => {
    const r = renderBodyThenHeaders({ body: compileBodyTemplate("id={{request.body.id}}"), headers: null }, { request: { body: { id: 7 } } }, env);
    expect(r).toEqual({ body: { value: "id=7", data: "id=7", text: "id=7", json: false }, headers: {} });
  });

  it("keeps a content-type the call gives and turns header values into text", () => {
    const r = renderBodyThenHeaders({ body: compileBodyTemplate({ a: 1 }), headers: compileTemplate({ "Content-Type": "text/plain", "X-N": "{{request.body.n}}" }) }, { request: { body: { n: 5 } } }, env);
    expect(r.headers).toEqual({ "Content-Type": "text/plain", "X-N": "5" });
    expect(r.body.text).toBe('{"a":1}');
  });
});
