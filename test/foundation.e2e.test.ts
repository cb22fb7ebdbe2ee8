import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startFromText, type TestServer } from "./support/start-app.js";

const CONFIG = `
http:
  body_limit_bytes: 1024
routes:
  - path: /users/{id}
    method: GET
    response:
      status: 200
      headers: { X-User: "{{request.params.id}}" }
      body: { id: "{{request.params.id}}", q: "{{request.query.q}}", agent: "{{request.headers['user-agent']}}" }
  - path: /echo
    method: POST
    response:
      body: { echoed: "{{request.body}}", items: "{{request.body.items}}", n: "{{request.body.n}}" }
  - path: /text
    method: ANY
    response:
      headers: { content-type: text/plain }
      body: "hello {{request.method}}"
  - path: /slow
    response:
      delay_ms: 30
      body: ok
  - id: from-json-string
    path: /json-string
    method: GET
    response:
      body: '{"a": 1}'
  - path: /json-template
    method: GET
    response:
      body: '{"name": "{{request.query.name}}", "n": 1}'
`;

describe("routes, templates and the journal", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startFromText(CONFIG);
  });
  afterAll(() => s.close());

  it("renders params, query and headers; {id} params work", async () => {
    const r = await call(`${s.url}/users/42?q=find`, { headers: { "user-agent": "vitest" } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id: "42", q: "find", agent: "vitest" });
    expect(r.headers.get("x-user")).toBe("42");
  });

  it("keeps the type of a whole-value template (an array stays an array, a number a number)", async () => {
    const r = await call(`${s.url}/echo`, { body: { items: [1, 2], n: 7 } });
    expect(r.body).toEqual({ echoed: { items: [1, 2], n: 7 }, items: [1, 2], n: 7 });
  });

  it("serves text, ANY methods, delays, and JSON strings as JSON", async () => {
    const t = await call(`${s.url}/text`, { method: "PUT", body: "x" });
    expect(t.text).toBe("hello PUT");
    expect(t.headers.get("content-type")).toBe("text/plain");
    expect((await call(`${s.url}/slow`)).text).toBe("ok");
    const j = await call(`${s.url}/json-string`);
    expect(j.body).toEqual({ a: 1 });
    expect(j.headers.get("content-type")).toBe("application/json");
  });

  it("a JSON-string body with templates stays valid JSON whatever the inserted value holds", async () => {
    const r = await call(`${s.url}/json-template?name=${encodeURIComponent('say "hi"\n')}`);
    expect(r.headers.get("content-type")).toBe("application/json");
    expect(r.body).toEqual({ name: 'say "hi"\n', n: 1 });
  });

  it("answers 413 past the body limit, journals it, and keeps serving", async () => {
    const big = "x".repeat(5000);
    const r = await call(`${s.url}/echo`, { body: big, headers: { "content-type": "text/plain" } });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe("MFG_ERR_BODY_TOO_LARGE");
    const list = await call(`${s.url}/__mockforge/requests?path=/echo&limit=1`);
    expect(list.body[0].status).toBe(413);
    expect(list.body[0].notes.join(" ")).toMatch(/too large/);
    expect((await call(`${s.url}/users/1`)).status).toBe(200);
  });

  it("drops a request whose client goes away mid-body and keeps serving", async () => {
    const { port } = new URL(s.url);
    await new Promise<void>((resolve, reject) => {
      const sock = connect(Number(port), "127.0.0.1", () => {
        sock.write("POST /echo HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"half\":");
        setTimeout(() => sock.destroy(), 20);
      });
      sock.on("close", () => resolve());
      sock.on("error", reject);
    });
    const r = await call(`${s.url}/echo`, { body: { whole: [1, "two"] } });
    expect(r.body.echoed).toEqual({ whole: [1, "two"] });
    const [entry] = (await call(`${s.url}/__mockforge/requests?path=/echo&limit=1`)).body;
    expect(entry).toMatchObject({ rawBody: '{"whole":[1,"two"]}', body: { whole: [1, "two"] }, status: 200 });
  });

  it("journals a JSON body to SQLite as its raw text and reads it back parsed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mockforge-journal-body-"));
    const sq = await startFromText(CONFIG, { storage: `sqlite:${join(dir, "state.db")}` });
    try {
      await call(`${sq.url}/echo`, { body: { whole: [1, "two"], nested: { ok: true } } });
      await call(`${sq.url}/echo`, { body: "{not json", headers: { "content-type": "application/json" } });
      const [bad, good] = (await call(`${sq.url}/__mockforge/requests?path=/echo`)).body;
      expect(good).toMatchObject({ rawBody: '{"whole":[1,"two"],"nested":{"ok":true}}', body: { whole: [1, "two"], nested: { ok: true } } });
      expect(bad).toMatchObject({ rawBody: "{not json", body: null });
      expect(bad.notes.join(" ")).toMatch(/malformed JSON body/);
    } finally {
      await sq.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("adds, replaces and removes routes at run time", async () => {
    const add = await call(`${s.url}/__mockforge/routes`, { body: { id: "new", path: "/new", method: "GET", response: { status: 202, body: { v: 1 } } } });
    expect(add.status).toBe(201);
    expect((await call(`${s.url}/new`)).status).toBe(202);
    const dup = await call(`${s.url}/__mockforge/routes`, { body: { path: "/new", method: "GET" } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("MFG_ERR_ROUTE_DUPLICATE");
    const put = await call(`${s.url}/__mockforge/routes/new`, { method: "PUT", body: { path: "/new", method: "GET", response: { body: { v: 2 } } } });
    expect(put.status).toBe(200);
    expect((await call(`${s.url}/new`)).body).toEqual({ v: 2 });
    const notJson = await call(`${s.url}/__mockforge/routes`, { body: "{bad", headers: { "content-type": "application/json" } });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.message).toMatch(/malformed JSON/);
    const bad = await call(`${s.url}/__mockforge/routes`, { body: { path: "/bad", methd: "GET" } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/method/);
    // A route added at run time gets its faults and its script checked, as at startup.
    const flaky = await call(`${s.url}/__mockforge/routes`, { body: { id: "flaky", path: "/flaky", method: "GET", chaos_config: { errors: { status_codes: [503], probability: 1 } } } });
    expect(flaky.status).toBe(201);
    const injected = await call(`${s.url}/flaky`);
    expect(injected.status).toBe(503);
    expect(injected.body.error.code).toBe("MFG_ERR_CHAOS_INJECTED");
    expect((await call(`${s.url}/__mockforge/routes/flaky`, { method: "DELETE" })).status).toBe(200);
    const badScript = await call(`${s.url}/__mockforge/routes`, { body: { path: "/bad-script", method: "GET", script: "let x = ;" } });
    expect(badScript.status).toBe(400);
    expect(badScript.body.error.code).toBe("MFG_ERR_SCRIPT_SYNTAX");
    expect((await call(`${s.url}/__mockforge/routes/new`, { method: "DELETE" })).status).toBe(200);
    expect((await call(`${s.url}/new`)).status).toBe(404);
  });

  it("clears the journal", async () => {
    await call(`${s.url}/users/9`);
    expect((await call(`${s.url}/__mockforge/requests`, { method: "DELETE" })).status).toBe(200);
    expect((await call(`${s.url}/__mockforge/requests`)).body).toEqual([]);
  });
});

describe("admin token", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startFromText(`http: { admin_token: "s3cret" }\nroutes: [{ path: /a, response: { body: ok } }]\n`);
  });
  afterAll(() => s.close());

  it("refuses admin calls without the token and accepts them with it", async () => {
    expect((await call(`${s.url}/__mockforge/health`)).status).toBe(401);
    expect((await call(`${s.url}/__mockforge/health`, { headers: { authorization: "Bearer s3cret" } })).status).toBe(200);
    expect((await call(`${s.url}/a`)).status).toBe(200);
  });
});
