/**
 * Issue 14, findings 1, 3 and 4: the admin surface (everything under /__mockforge and every
 * `<route>/logs`) is closed to clients without credentials, to other web sites and to DNS
 * rebinding. Every attack here runs over real sockets.
 */
import { connect } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminEndpoints } from "../src/admin/admin-api.js";
import { adminPorts, createApp, type RunningApp } from "../src/app.js";
import { loadConfig } from "../src/config/index.js";
import { call, startFromText, type TestServer } from "./support/start-app.js";
import { nonLoopbackAddress, rawRequest } from "./support/raw-http.js";

const ROUTES = `
routes:
  - path: /webhooks/orders
    method: POST
    response: { status: 200, body: { ok: true } }
`;

/** Every admin endpoint from the router's own table (so new ones are walked too), plus `<route>/logs`. */
function everyAdminCall(app: RunningApp): { method: string; path: string; shell: boolean }[] {
  const calls = adminEndpoints(adminPorts(app)).map((r) => ({ method: r.method, path: `/__mockforge${r.path.replace(/:[a-zA-Z_]+/g, "x").replace(/\*$/, "index.html")}`, shell: r.shell === true }));
  return [...calls, { method: "GET", path: "/webhooks/orders/logs", shell: false }];
}

async function startBound(host: string, yaml: string, options: { token?: string } = {}): Promise<{ app: RunningApp; port: number; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "mockforge-sec-"));
  writeFileSync(join(dir, "mockforge.yaml"), yaml);
  const loaded = await loadConfig(join(dir, "mockforge.yaml"));
  const app = createApp(loaded, { port: 0, host, storage: "memory", ...(options.token ? { adminToken: options.token } : { insecureNoAdminToken: true }) });
  const running = await app.start();
  return { app: running, port: running.port, close: async () => (await app.close(), rmSync(dir, { recursive: true, force: true })) };
}

const REMOTE = nonLoopbackAddress();
const onInterface = REMOTE ? describe : describe.skip;
if (!REMOTE) console.warn("admin-security: this machine has no non-loopback IPv4 address; the remote-peer tests are skipped (the unit tests of authorizeAdmin still cover them)");

onInterface(`a client on a non-loopback address (${REMOTE})`, () => {
  let s: Awaited<ReturnType<typeof startBound>>;
  beforeAll(async () => {
    s = await startBound(REMOTE!, ROUTES);
  });
  afterAll(() => s.close());

  it("finding 1: a full POST /__mockforge/routes followed by a reset never installs the route", async () => {
    const body = JSON.stringify({ id: "pwned", path: "/pwned", method: "GET", response: { body: "owned" } });
    const wire = `POST /__mockforge/routes HTTP/1.1\r\nhost: ${REMOTE}:${s.port}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    for (let i = 0; i < 30; i++) {
      await new Promise<void>((resolve, reject) => {
        const sock = connect({ host: REMOTE!, port: s.port, localAddress: REMOTE! }, () => {
          sock.write(wire, () => {
            sock.resetAndDestroy();
            resolve();
          });
        });
        sock.on("error", reject);
      });
    }
    // A request after them is read after them: by its answer, the server has handled every reset one.
    const probe = await rawRequest({ host: REMOTE!, port: s.port, path: "/pwned", localAddress: REMOTE! });
    expect(probe.status).toBe(404);
    expect(s.app.routes.get("pwned")).toBeUndefined();
  });

  it("finding 4: every admin endpoint and <route>/logs is denied without credentials", async () => {
    await rawRequest({ host: REMOTE!, port: s.port, method: "POST", path: "/webhooks/orders", headers: { authorization: "Bearer captured-secret", "content-type": "application/json" }, body: "{}", localAddress: REMOTE! });
    const calls = everyAdminCall(s.app);
    expect(calls.length).toBeGreaterThan(25);
    for (const c of calls) {
      const r = await rawRequest({ host: REMOTE!, port: s.port, method: c.method, path: c.path, headers: { "content-type": "application/json" }, body: c.method === "GET" ? undefined : "{}", localAddress: REMOTE! });
      expect({ call: `${c.method} ${c.path}`, status: r.status, code: r.body?.error?.code }).toEqual({ call: `${c.method} ${c.path}`, status: 401, code: "MFG_ERR_UNAUTHORIZED" });
      expect(r.text).not.toContain("captured-secret");
    }
  });
});

describe("with a token, loopback clients need it too", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startFromText(`http: { admin_token: "s3cret-token" }\n${ROUTES}`);
  });
  afterAll(() => s.close());

  it("finding 4: every admin endpoint and <route>/logs answers 401 without the token, from loopback", async () => {
    await call(`${s.url}/webhooks/orders`, { body: { x: 1 }, headers: { authorization: "Bearer captured-secret" } });
    const port = Number(new URL(s.url).port);
    // The dashboard's static shell (no recorded data) is the one thing served without the token.
    for (const c of everyAdminCall(s.app).filter((c) => !c.shell)) {
      const r = await rawRequest({ host: "127.0.0.1", port, method: c.method, path: c.path, headers: { "content-type": "application/json" }, body: c.method === "GET" ? undefined : "{}" });
      expect({ call: `${c.method} ${c.path}`, status: r.status }).toEqual({ call: `${c.method} ${c.path}`, status: 401 });
      expect(r.text).not.toContain("captured-secret");
    }
    const ok = await rawRequest({ host: "127.0.0.1", port, path: "/webhooks/orders/logs", headers: { authorization: "Bearer s3cret-token" } });
    expect(ok.status).toBe(200);
    expect(ok.body).toHaveLength(1);
  });
});

describe("finding 3: cross-site requests and DNS rebinding on a loopback bind", () => {
  let s: TestServer;
  let port: number;
  beforeAll(async () => {
    s = await startFromText(ROUTES);
    port = Number(new URL(s.url).port);
  });
  afterAll(() => s.close());
  const installed = () => s.app.routes.list().some((r) => r.path === "/pwned");

  it("a form POST from a foreign Origin does not install a route (403)", async () => {
    const r = await rawRequest({
      host: "127.0.0.1",
      port,
      method: "POST",
      path: "/__mockforge/routes",
      headers: { origin: "http://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: "path=%2Fpwned&method=GET",
    });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("MFG_ERR_FORBIDDEN_ORIGIN");
    expect(installed()).toBe(false);
  });

  it("a form POST without an Origin is refused as not JSON (415)", async () => {
    const r = await rawRequest({ host: "127.0.0.1", port, method: "POST", path: "/__mockforge/routes", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "path=%2Fpwned&method=GET" });
    expect(r.status).toBe(415);
    expect(r.body.error.code).toBe("MFG_ERR_UNSUPPORTED_MEDIA_TYPE");
    const plain = await rawRequest({ host: "127.0.0.1", port, method: "POST", path: "/__mockforge/routes", headers: { "content-type": "text/plain" }, body: JSON.stringify({ path: "/pwned" }) });
    expect(plain.status).toBe(415);
    expect(installed()).toBe(false);
  });

  it("JSON from a foreign Origin, or marked cross-site, is refused; reads too", async () => {
    const json = JSON.stringify({ path: "/pwned", method: "GET" });
    const foreign = await rawRequest({ host: "127.0.0.1", port, method: "POST", path: "/__mockforge/routes", headers: { origin: "http://127.0.0.1:1", "content-type": "application/json" }, body: json });
    expect(foreign.status).toBe(403);
    const nul = await rawRequest({ host: "127.0.0.1", port, method: "POST", path: "/__mockforge/routes", headers: { origin: "null", "content-type": "application/json" }, body: json });
    expect(nul.status).toBe(403);
    const crossSite = await rawRequest({ host: "127.0.0.1", port, method: "POST", path: "/__mockforge/routes", headers: { "sec-fetch-site": "cross-site", "content-type": "application/json" }, body: json });
    expect(crossSite.status).toBe(403);
    expect(installed()).toBe(false);
    const read = await rawRequest({ host: "127.0.0.1", port, path: "/__mockforge/requests", headers: { origin: "http://evil.example" } });
    expect(read.status).toBe(403);
    const logs = await rawRequest({ host: "127.0.0.1", port, path: "/webhooks/orders/logs", headers: { origin: "http://evil.example" } });
    expect(logs.status).toBe(403);
  });

  it("a non-loopback Host (DNS rebinding) is refused with 421; loopback names pass", async () => {
    const rebound = await rawRequest({ host: "127.0.0.1", port, path: "/__mockforge/requests", headers: { host: `evil.example:${port}` } });
    expect(rebound.status).toBe(421);
    expect(rebound.body.error.code).toBe("MFG_ERR_MISDIRECTED_HOST");
    const rebLogs = await rawRequest({ host: "127.0.0.1", port, path: "/webhooks/orders/logs", headers: { host: `evil.example:${port}` } });
    expect(rebLogs.status).toBe(421);
    // Same-origin pages (a dashboard served here) and the usual loopback names still work.
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `api.localhost:${port}`]) {
      const r = await rawRequest({ host: "127.0.0.1", port, path: "/__mockforge/health", headers: { host, origin: `http://${host}`, "sec-fetch-site": "same-origin" } });
      expect({ host, status: r.status }).toEqual({ host, status: 200 });
    }
    // Mocked routes answer any Host: only the admin surface is guarded.
    const mocked = await rawRequest({ host: "127.0.0.1", port, method: "POST", path: "/webhooks/orders", headers: { host: "example.com" } });
    expect(mocked.status).toBe(200);
  });

  it("JSON from the server's own origin is taken", async () => {
    const r = await rawRequest({
      host: "127.0.0.1",
      port,
      method: "POST",
      path: "/__mockforge/routes",
      headers: { origin: `http://127.0.0.1:${port}`, "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ path: "/fine", method: "GET" }),
    });
    expect(r.status).toBe(201);
  });
});
