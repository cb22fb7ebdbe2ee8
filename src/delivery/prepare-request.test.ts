import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.js";
import { isMockForgeError } from "../core/errors.js";
import { seededRandom } from "../core/random.js";
import { compileTemplate } from "../template/index.js";
import { compileRequestSpec, prepareRequest, renderBodyThenHeaders } from "./prepare-request.js";

const env = { clock: new ManualClock(), random: seededRandom(1) };

describe("prepareRequest", () => {
  it("renders url, method and a JSON body; adds content-type", () => {
    const r = prepareRequest(
      { method: "{{lower('PUT')}}", url: "{{base_url}}/hooks/{{request.params.id}}", body: { order: "{{request.body.id}}", items: "{{request.body.items}}" } },
      { base_url: "http://127.0.0.1:4000", request: { params: { id: "o-1" }, body: { id: 7, items: [1, 2] } } },
      env,
    );
    expect(r).toEqual({
      method: "PUT",
      url: "http://127.0.0.1:4000/hooks/o-1",
      headers: { "content-type": "application/json" },
      body: '{"order":7,"items":[1,2]}',
    });
  });

  it("sends a string body as rendered and adds no content-type", () => {
    const r = prepareRequest({ url: "http://h/x", body: "id={{request.body.id}}" }, { request: { body: { id: 7 } } }, env);
    expect(r).toEqual({ method: "POST", url: "http://h/x", headers: {}, body: "id=7" });
  });

  it("lets header templates sign the exact body text (custom schemes)", () => {
    const r = prepareRequest(
      {
        url: "http://h/x",
        headers: { "X-Webhook-Signature": "{{hmac_sha256(env.WEBHOOK_SECRET, body)}}", "X-Length": "{{body}}" },
        body: { event: "order.created", n: "{{request.body.n}}" },
      },
      { env: { WEBHOOK_SECRET: "s3cret" }, request: { body: { n: 1 } } },
      env,
    );
    expect(r.body).toBe('{"event":"order.created","n":1}');
    expect(r.headers["X-Webhook-Signature"]).toBe(createHmac("sha256", "s3cret").update(r.body!).digest("hex"));
    expect(r.headers["X-Length"]).toBe(r.body);
  });

  it("keeps a content-type the spec gives and turns header values into text", () => {
    const r = prepareRequest({ url: "http://h", headers: { "Content-Type": "text/plain", "X-N": "{{request.body.n}}" }, body: { a: 1 } }, { request: { body: { n: 5 } } }, env);
    expect(r.headers).toEqual({ "Content-Type": "text/plain", "X-N": "5" });
  });

  it("throws MFG_ERR_DELIVERY_INVALID_URL naming the rendered value, with the rendered request", () => {
    const t = compileRequestSpec({ url: "{{env.HOOK_URL}}/hooks" }, "routes[0].webhooks[1]");
    try {
      t.render({ env: {} }, env);
      expect.unreachable();
    } catch (e) {
      expect(isMockForgeError(e, "MFG_ERR_DELIVERY_INVALID_URL")).toBe(true);
      const err = e as import("../core/errors.js").MockForgeError;
      expect(err.message).toMatch(/'\/hooks' is not a valid absolute URL/);
      expect(err.details).toMatchObject({ path: "routes[0].webhooks[1].url", request: { url: "/hooks", method: "POST" } });
    }
  });

  it("with validateUrl: false, returns the bad URL for the engine to record", () => {
    expect(prepareRequest({ url: "ftp://{{x}}" }, { x: "host" }, env, { validateUrl: false }).url).toBe("ftp://host");
  });

  it("reports a template syntax error with its config path", () => {
    expect(() => compileRequestSpec({ url: "http://h/{{ (( }}" }, "hooks[0].actions[0]")).toThrow(
      expect.objectContaining({ code: "MFG_ERR_TEMPLATE_SYNTAX" }),
    );
  });
});

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
});
