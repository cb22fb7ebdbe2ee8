import { describe, expect, it } from "vitest";
import { routeSchema } from "../config/schema/routes.js";
import { systemClock } from "../core/clock.js";
import { seededRandom } from "../core/random.js";
import { compileRoute } from "./compiled-route.js";

const env = { clock: systemClock, random: seededRandom(1) };
const scope = (body: unknown) => ({ request: { method: "POST", path: "/echo", params: {}, query: {}, headers: {}, body }, env: {}, base_url: "" });

describe("compiled route", () => {
  it("makes untemplated headers once, with the body's content type, shared by every request", () => {
    const r = compileRoute(routeSchema.parse({ path: "/echo", method: "POST", response: { headers: { "x-a": "1" }, body: { echoed: "{{request.body}}" } } }));
    const first = r.render(scope({ n: 1 }), env);
    const second = r.render(scope({ n: 2 }), env);
    expect(first.body).toEqual({ echoed: { n: 1 } });
    expect(second.body).toEqual({ echoed: { n: 2 } });
    expect(second.headers).toBe(first.headers);
    const typed = r.withContentType(first.headers, "application/json");
    expect(typed).toEqual({ "x-a": "1", "content-type": "application/json" });
    expect(r.withContentType(second.headers, "application/json")).toBe(typed);
  });

  it("renders templated headers per request, and keeps a content type they name", () => {
    const r = compileRoute(routeSchema.parse({ path: "/echo", method: "POST", response: { headers: { "x-n": "{{request.body.n}}", "content-type": "text/plain" }, body: "hi" } }));
    const a = r.render(scope({ n: 1 }), env);
    const b = r.render(scope({ n: 2 }), env);
    expect([a.headers["x-n"], b.headers["x-n"]]).toEqual(["1", "2"]);
    expect(r.withContentType(a.headers, "application/json")).toBe(a.headers);
  });

  it("builds a static route's answer at load, content type and length included", () => {
    const r = compileRoute(routeSchema.parse({ path: "/static", method: "GET", response: { body: { id: "ord_1" } } }));
    expect(r.fixed).toMatchObject({ status: 200, headers: { "content-type": "application/json" }, body: '{"id":"ord_1"}', wireHeaders: { "content-type": "application/json", "content-length": 14 } });
  });

  it("compiles a config route on its first use, to the same answers, keeping what was set on it", () => {
    const config = routeSchema.parse({ path: "/orders/:id", method: "POST", response: { status: 201, headers: { "x-a": "1" }, body: { id: "{{request.params.id}}" }, delay_ms: 5 }, webhooks: [{ url: "http://127.0.0.1:1/h" }] });
    const eager = compileRoute(config);
    const deferred = compileRoute(config, false, true);
    // What the table and the load read needs no compiling: the config's own values.
    expect([deferred.id, deferred.method, deferred.path, deferred.delayMs, deferred.script]).toEqual([eager.id, eager.method, eager.path, 5, null]);
    deferred.ext = { callbacks: "kept" };
    const s = { ...scope({}), request: { ...scope({}).request, params: { id: "o-1" } } };
    expect(deferred.render(s, env)).toEqual(eager.render(s, env));
    expect([deferred.templated, deferred.fixed, deferred.webhooks.length, deferred.verify]).toEqual([true, null, 1, null]);
    expect(deferred.withContentType(deferred.render(s, env).headers, "application/json")).toEqual({ "x-a": "1", "content-type": "application/json" });
    expect(deferred.ext).toEqual({ callbacks: "kept" });
  });
});
