/**
 * Issue 14, finding 9: a forbidden key used as a dynamic lookup is a coded 4xx, never a 500
 * MFG_ERR_INTERNAL; a `__proto__` response header is reported when the config loads, and in
 * the answer when a route is added through the admin API.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startFromText, type TestServer } from "./support/start-app.js";

const CONFIG = `
routes:
  - path: /lookup
    method: GET
    response:
      body: { value: "{{request.query[request.query.k]}}" }
  - path: /proto
    method: GET
    response:
      headers:
        __proto__: polluted
        x-kept: "yes"
      body: ok
`;

describe("finding 9", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startFromText(CONFIG);
  });
  afterAll(() => s.close());

  it("?k=constructor / __proto__ / prototype as a lookup key answers a coded 400, never a 500", async () => {
    for (const k of ["constructor", "__proto__", "prototype", "__defineGetter__"]) {
      const r = await call(`${s.url}/lookup?k=${k}`);
      expect({ k, status: r.status, code: r.body?.error?.code }).toEqual({ k, status: 400, code: "MFG_ERR_EXPR_FORBIDDEN" });
    }
    expect((await call(`${s.url}/lookup?k=k`)).body).toEqual({ value: "k" });
  });

  it("a __proto__ response header is named in a load warning (and never sent)", async () => {
    expect(s.app.loaded.warnings.join("\n")).toMatch(/mockforge\.yaml:\d+:\d+ routes\[1\]\.response\.headers\.__proto__: a header named '__proto__' is ignored/);
    const r = await call(`${s.url}/proto`);
    expect(r.headers.get("x-kept")).toBe("yes");
    expect(r.headers.get("__proto__")).toBeNull();
  });

  it("a __proto__ header in a route added through the admin API is named in the answer's warnings (and never sent)", async () => {
    // Raw JSON text: an object literal here would set the prototype instead of a key.
    const body = '{"id":"admin-proto","path":"/admin-proto","response":{"headers":{"__proto__":"polluted","x-kept":"yes"},"body":"ok"},"webhooks":[{"url":"http://127.0.0.1:9/x","condition":"false","headers":{"__proto__":"p"}}]}';
    const added = await call(`${s.url}/__mockforge/routes`, { body, headers: { "content-type": "application/json" } });
    expect(added.status).toBe(201);
    expect(added.body.warnings).toEqual([
      "POST /__mockforge/routes: response.headers.__proto__: a header named '__proto__' is ignored: it cannot be sent (rename it)",
      "POST /__mockforge/routes: webhooks[0].headers.__proto__: a header named '__proto__' is ignored: it cannot be sent (rename it)",
    ]);
    const replaced = await call(`${s.url}/__mockforge/routes/admin-proto`, { method: "PUT", body, headers: { "content-type": "application/json" } });
    expect(replaced.body.warnings).toHaveLength(2);
    const r = await call(`${s.url}/admin-proto`);
    expect(r.headers.get("x-kept")).toBe("yes");
    expect(r.headers.get("__proto__")).toBeNull();
    const clean = await call(`${s.url}/__mockforge/routes`, { body: { path: "/clean", response: { body: "ok" } } });
    expect(clean.body.warnings).toEqual([]);
  });
});
