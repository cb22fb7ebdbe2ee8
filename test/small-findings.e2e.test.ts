/**
 * Issue 14, finding 9: a forbidden key used as a dynamic lookup is a coded 4xx, never a 500
 * MFG_ERR_INTERNAL; a `__proto__` response header is reported when the config loads.
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
});
