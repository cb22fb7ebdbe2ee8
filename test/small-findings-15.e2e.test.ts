/**
 * Issue 15 item 17, on a real server: `<route>/logs` next to a parameter route (the bundled
 * example's `GET /api/orders/:id` answered `/api/orders/logs` with `id = logs`); a status
 * template that renders no HTTP status (a bare 500 before); a route script's time limit hint
 * (it named a key routes do not have).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../src/app.js";
import { loadConfig } from "../src/config/index.js";
import { memoryLogger } from "../src/core/logger.js";
import { runCli } from "./support/cli.js";
import { call } from "./support/start-app.js";

const EXAMPLE = join(import.meta.dirname, "..", "examples", "mockforge.yaml");

const CONFIG = `
scripting: { timeout_ms: 300 }
routes:
  - path: /api/orders
    method: POST
    response: { status: 201, body: { id: ord_1 } }
  - path: /api/orders/:id
    method: GET
    response: { body: { id: "{{request.params.id}}" } }
  - path: /api/items
    method: GET
    response: { body: [] }
  - path: /api/items/logs
    method: GET
    response: { body: { mine: true } }
  - path: /api/items/:id
    method: GET
    response: { body: { id: "{{request.params.id}}" } }
  - path: /status
    method: GET
    response: { status: "{{request.query.code}}", body: { hello: world } }
  - path: /spin
    method: GET
    script: "while (true) {}"
    response: { body: never }
`;

let dir: string;
let app: App;
let url: string;
const logs = memoryLogger();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mockforge-findings15-"));
  const file = join(dir, "mockforge.yaml");
  writeFileSync(file, CONFIG);
  app = createApp(await loadConfig(file), { port: 0, host: "127.0.0.1", storage: "memory", deps: { logger: logs } });
  url = (await app.start()).url;
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("<route>/logs next to a parameter route", () => {
  it("GET /api/orders/logs is the journal of POST /api/orders, not GET /api/orders/:id with id = logs", async () => {
    await call(`${url}/api/orders`, { method: "POST", body: { n: 1 } });
    const r = await call(`${url}/api/orders/logs`);
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body)).toBe(true);
    expect(r.body[0]).toMatchObject({ method: "POST", path: "/api/orders", status: 201 });
    // Other ids still reach the parameter route.
    expect((await call(`${url}/api/orders/ord_9`)).body).toEqual({ id: "ord_9" });
  });

  it("a route written at the literal /logs path still answers it", async () => {
    expect((await call(`${url}/api/items/logs`)).body).toEqual({ mine: true });
  });

  it("the load warns about the parameter route, with its position (and not about the one a literal route covers)", () => {
    const text = logs.lines.filter((l) => l.level === "warn").map((l) => (typeof l.obj === "string" ? l.obj : String(l.msg))).join("\n");
    expect(text).toMatch(/mockforge\.yaml:7:11 routes\[1\]\.path: GET \/api\/orders\/:id does not answer GET \/api\/orders\/logs: that path is the request log of POST \/api\/orders/);
    expect(text).not.toMatch(/\/api\/items\/:id/);
  });

  it("validate shows the warning for the bundled example", async () => {
    const r = await runCli(["validate", EXAMPLE]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: .*routes\[1\]\.path: GET \/api\/orders\/:id does not answer GET \/api\/orders\/logs/);
  });
});

describe("<route>/logs shadows made at run time through the admin API", () => {
  const warned = () => logs.lines.filter((l) => l.level === "warn").map((l) => (typeof l.obj === "string" ? l.obj : String(l.msg)));

  it("adding a parameter route under a route's path warns in the answer and in the log", async () => {
    const added = await call(`${url}/__mockforge/routes`, { body: { id: "invoice-by-id", path: "/api/invoices/:id", method: "GET", response: { body: { id: "{{request.params.id}}" } } } });
    // No route at /api/invoices yet: nothing is shadowed.
    expect(added.status).toBe(201);
    expect(added.body.warnings).toEqual([]);
    const base = await call(`${url}/__mockforge/routes`, { body: { id: "invoices", path: "/api/invoices", method: "POST", response: { status: 201, body: {} } } });
    const expected =
      "POST /__mockforge/routes: GET /api/invoices/:id does not answer GET /api/invoices/logs: that path is the request log of POST /api/invoices (admin surface, docs/admin-api.md#the-journal-requests-received) (to answer it from a route instead, define GET /api/invoices/logs with a literal path)";
    expect(base.body.warnings).toEqual([expected]);
    expect(warned()).toContain(expected);
    // Once made, the shadow is not repeated by unrelated changes.
    const other = await call(`${url}/__mockforge/routes`, { body: { id: "unrelated", path: "/api/unrelated", method: "GET", response: { body: {} } } });
    expect(other.body.warnings).toEqual([]);
  });

  it("a PUT that turns a route into a parameter route warns, and so does removing the literal /logs route that covered it", async () => {
    await call(`${url}/__mockforge/routes`, { body: { id: "widgets", path: "/api/widgets", method: "POST", response: { status: 201, body: {} } } });
    const first = await call(`${url}/__mockforge/routes`, { body: { id: "widget", path: "/api/widgets/first", method: "GET", response: { body: {} } } });
    expect(first.body.warnings).toEqual([]);
    const put = await call(`${url}/__mockforge/routes/widget`, { method: "PUT", body: { path: "/api/widgets/:id", method: "GET", response: { body: {} } } });
    expect(put.status).toBe(200);
    expect(put.body.warnings).toEqual([expect.stringMatching(/^PUT \/__mockforge\/routes\/widget: GET \/api\/widgets\/:id does not answer GET \/api\/widgets\/logs: that path is the request log of POST \/api\/widgets/)]);
    const literal = (await call(`${url}/__mockforge/routes`)).body.find((r: { path: string }) => r.path === "/api/items/logs");
    const removed = await call(`${url}/__mockforge/routes/${encodeURIComponent(literal.id)}`, { method: "DELETE" });
    expect(removed.status).toBe(200);
    expect(removed.body.warnings).toEqual([expect.stringMatching(/^DELETE \/__mockforge\/routes\/.*: GET \/api\/items\/:id does not answer GET \/api\/items\/logs: that path is the request log of GET \/api\/items/)]);
    expect(warned().some((w) => w.startsWith("DELETE /__mockforge/routes/") && w.includes("GET /api/items/:id"))).toBe(true);
  });
});

describe("a status template that renders no HTTP status", () => {
  it("answers 500 with a coded body saying what it rendered, notes it on the journal entry and logs it", async () => {
    const r = await call(`${url}/status?code=abc`);
    expect(r.status).toBe(500);
    expect(r.body.error).toMatchObject({ code: "MFG_ERR_ROUTE_STATUS" });
    expect(r.body.error.message).toContain('response.status rendered "abc", which is not an HTTP status (an integer from 100 to 599)');
    const entry = (await call(`${url}/__mockforge/requests?path=/status&limit=1`)).body[0];
    expect(entry.notes.join("\n")).toMatch(/MFG_ERR_ROUTE_STATUS: .*rendered "abc"/);
    expect(logs.lines.some((l) => l.level === "warn" && /rendered "abc"/.test(String(l.msg)))).toBe(true);
    expect((await call(`${url}/status?code=202`)).status).toBe(202);
  });
});

describe("a route script's time limit", () => {
  it("names scripting.timeout_ms, the key that sets a route script's limit", async () => {
    const r = await call(`${url}/spin`);
    expect(r.status).toBe(500);
    expect(r.body.error.code).toBe("MFG_ERR_SCRIPT_TIMEOUT");
    // Either way it ends (the worker stops the loop itself, or on a starved machine the host
    // stops the worker after its grace), the message names the key that raises the limit.
    expect(r.body.error.message).toContain("exceeded its time limit of 300 ms");
    expect(r.body.error.message).toContain("(raise scripting.timeout_ms;");
  });
});
