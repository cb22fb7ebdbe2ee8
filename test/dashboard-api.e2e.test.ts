import { request } from "node:http";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Receiver } from "./support/receiver.js";
import { call, startFromText, type TestServer } from "./support/start-app.js";

const TOKEN = "s3cret-token";
const config = (rx: string) => `
http:
  admin_token: ${TOKEN}
webhooks:
  retry: { max_attempts: 2, initial_delay_ms: 10, jitter: false }
routes:
  - path: /api/orders
    method: POST
    response: { status: 201, body: { ok: true } }
    webhooks:
      - url: "${rx}/hooks/orders"
        body: { event: order.created }
  - path: /slow
    method: GET
    response: { status: 200 }
    chaos_config: { latency: { fixed_ms: 1 } }
`;

describe("the admin endpoints the dashboard uses, each usable without it", () => {
  let rx: Receiver;
  let s: TestServer;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const admin = (path: string, init: Parameters<typeof call>[1] = {}) => call(`${s.url}/__mockforge${path}`, { ...init, headers: { ...auth, ...init.headers } });
  beforeAll(async () => {
    rx = await new Receiver().start();
    rx.respond = (r) => (r.path === "/hooks/orders" ? { status: 500 } : { status: 200 });
    s = await startFromText(config(rx.url));
  });
  afterAll(async () => {
    await s?.close();
    await rx?.stop();
  });

  it("serves the page and its modules without the token (no recorded data in them), and nothing outside its folder", async () => {
    const page = await call(`${s.url}/__mockforge/ui`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'self' 'sha256-/);
    expect(page.text).toContain('"preact":"/__mockforge/ui/vendor/preact.mjs"');
    for (const f of ["vendor/preact.mjs", "vendor/hooks.mjs", "vendor/htm.mjs", "app/main.js", "style.css"]) {
      const r = await call(`${s.url}/__mockforge/ui/${f}`);
      expect(r.status, f).toBe(200);
    }
    expect((await call(`${s.url}/__mockforge/ui/vendor/other.mjs`)).status).toBe(404);
    // Sent as written (fetch would normalise the dots away before they reach the server).
    const raw = await new Promise<number>((resolve, reject) =>
      request(`${s.url}/__mockforge/ui/%2e%2e/%2e%2e/package.json`, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on("error", reject).end(),
    );
    expect(raw).toBe(404);
    expect((await call(`${s.url}/__mockforge/ui/app/..%2f..%2f..%2fpackage.json`)).status).toBe(404);
    // Everything with data still needs the token, the event stream included.
    expect((await call(`${s.url}/__mockforge/events`)).status).toBe(401);
    expect((await call(`${s.url}/__mockforge/requests`)).status).toBe(401);
  });

  it("lists the journal in pages with filters the store lacks, and cuts large bodies on request", async () => {
    const since = Date.now();
    await call(`${s.url}/api/orders`, { body: { note: "needle-in-body", pad: "x".repeat(5000) } });
    await call(`${s.url}/nothing-here`, { body: { note: "other" } });
    const bin = await fetch(`${s.url}/api/orders`, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: new Uint8Array([0, 255, 1, 254]) });
    expect(bin.status).toBe(201);
    const four = (await admin(`/requests?status_class=4xx&since=${since}`)).body as { path: string }[];
    expect(four.map((e) => e.path)).toEqual(["/nothing-here"]);
    const found = (await admin("/requests?q=NEEDLE-in")).body as { path: string; rawBody: string }[];
    expect(found).toHaveLength(1);
    const page1 = (await admin("/requests?limit=1")).body as { id: string }[];
    const page2 = (await admin("/requests?limit=1&offset=1")).body as { id: string }[];
    expect(page1[0]!.id).not.toBe(page2[0]!.id);
    const cut = (await admin(`/requests/${(found[0] as unknown as { id: string }).id}?body_limit=100`)).body;
    expect(cut).toMatchObject({ rawBodyTruncated: true, body: null });
    expect(cut.rawBody).toHaveLength(100);
    expect(cut.rawBodyLength).toBeGreaterThan(5000);
    const whole = await fetch(`${s.url}/__mockforge/requests/${cut.id}/body`, { headers: auth });
    expect(whole.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(JSON.parse(await whole.text()).note).toBe("needle-in-body");
    const binEntry = page1[0]!;
    const bytes = await fetch(`${s.url}/__mockforge/requests/${binEntry.id}/body`, { headers: auth });
    expect(bytes.headers.get("content-type")).toBe("application/octet-stream");
    expect([...new Uint8Array(await bytes.arrayBuffer())]).toEqual([0, 255, 1, 254]);
    expect((await admin("/requests?status_class=6xx")).status).toBe(400);
  });

  it("finds what a request set off by the trace named after it", async () => {
    const since = Date.now();
    await call(`${s.url}/api/orders`, { body: { n: "traced" } });
    const [entry] = (await admin(`/requests?since=${since}&path=/api/orders`)).body as { id: string }[];
    const trace = entry!.id.replace(/^req_/, "trc_");
    const got = (await admin(`/deliveries?trace=${trace}`)).body as { traceId: string; sourceKind: string }[];
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ traceId: trace, sourceKind: "route" });
  });

  it("resends a delivery to another URL with the same webhook-id, replays with a new id, and refuses a bad URL", async () => {
    const [d] = (await admin("/deliveries/wait?url=/hooks/orders&count=1")).body.deliveries as { id: string; webhookId: string }[];
    const resent = await admin(`/deliveries/${d!.id}/resend`, { body: { url: `${rx.url}/other` } });
    expect(resent.status).toBe(202);
    expect(resent.body).toMatchObject({ webhookId: d!.webhookId, replayOf: d!.id, sourceKind: "replay" });
    const [got] = await rx.waitForPath("/other");
    expect(got!.headers["webhook-id"]).toBe(d!.webhookId);
    const fresh = await admin(`/deliveries/${d!.id}/replay?new_id=true`, { method: "POST", body: {} });
    expect(fresh.body.webhookId).not.toBe(d!.webhookId);
    const bad = await admin(`/deliveries/${d!.id}/resend`, { body: { url: "ftp://nope" } });
    expect(bad.status).toBe(400);
    expect((await admin(`/deliveries/${d!.id}/resend`, { body: {} })).status).toBe(400);
  });

  it("recovers every failed or dead delivery since a time, keeping webhook-ids", async () => {
    const since = Date.now();
    await call(`${s.url}/api/orders`, { body: { n: "to-recover" } });
    const dead = await s.app.services.deliveries.waitFor({ status: "dead", since }, 1, 5000);
    expect(dead).toHaveLength(1);
    rx.respond = () => ({ status: 200 });
    const r = await admin("/deliveries/recover", { body: { since: new Date(since).toISOString() } });
    expect(r.status).toBe(202);
    expect(r.body.count).toBe(1);
    const replay = r.body.replays[0] as { original: string; replay: string };
    const orig = (await admin(`/deliveries/${replay.original}`)).body;
    const copy = (await admin(`/deliveries/${replay.replay}`)).body;
    expect(copy.webhookId).toBe(orig.webhookId);
    expect((await admin("/deliveries/recover", { body: { since: "yesterday-ish" } })).status).toBe(400);
    rx.respond = (q) => (q.path === "/hooks/orders" ? { status: 500 } : { status: 200 });
  });

  it("exports the journal and deliveries as HAR 1.2 and NDJSON", async () => {
    const har = await admin("/export/har?kind=all&limit=50");
    expect(har.status).toBe(200);
    expect(har.headers.get("content-disposition")).toMatch(/attachment; filename="mockforge.har"/);
    const log = har.body.log;
    expect(log.version).toBe("1.2");
    const req = log.entries.find((e: any) => e._mockforge.kind === "request" && e.request.url.endsWith("/api/orders"));
    expect(req.request).toMatchObject({ method: "POST", httpVersion: "HTTP/1.1" });
    expect(req.request.postData.mimeType).toBe("application/json");
    expect(req.response.status).toBe(201);
    const att = log.entries.find((e: any) => e._mockforge.kind === "delivery");
    expect(att.request.headers.some((h: any) => h.name === "webhook-id")).toBe(true);
    expect(typeof att.response.status).toBe("number");
    for (const e of log.entries) expect(new Date(e.startedDateTime).toISOString()).toBe(e.startedDateTime);
    const nd = await admin("/export/ndjson?kind=requests&status_class=4xx");
    const lines = nd.text.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.every((l) => l.kind === "request" && l.status >= 400)).toBe(true);
    expect((await admin("/export/har?kind=bogus")).status).toBe(400);
  });

  it("promotes a request to a route: shows the route and its YAML, adds nothing until the route is POSTed", async () => {
    await call(`${s.url}/api/customers`, { body: { name: "Ada" } });
    const [e] = (await admin("/requests?path=/api/customers")).body as { id: string }[];
    const p = await admin(`/requests/${e!.id}/promote`);
    expect(p.body.route).toEqual({ method: "POST", path: "/api/customers", response: { status: 200, headers: { "content-type": "application/json" }, body: {} } });
    expect(parseYaml(p.body.yaml)).toEqual({ routes: [p.body.route] });
    expect(p.body.exists).toBe(false);
    expect((await call(`${s.url}/api/customers`, { body: {} })).status).toBe(404);
    expect((await admin("/routes", { body: p.body.route })).status).toBe(201);
    expect((await call(`${s.url}/api/customers`, { body: {} })).status).toBe(200);
  });

  it("switches a live fault off and on again", async () => {
    const before = (await admin("/faults")).body;
    expect(before.faults.map((f: any) => f.source)).toEqual(["route:GET /slow"]);
    expect((await admin(`/faults/${encodeURIComponent("route:GET /slow")}/disable`, { method: "POST", body: {} })).status).toBe(200);
    const off = (await admin("/faults")).body;
    expect(off.faults).toEqual([]);
    expect(off.disabled.map((f: any) => f.source)).toEqual(["route:GET /slow"]);
    expect((await admin(`/faults/${encodeURIComponent("route:GET /slow")}/enable`, { method: "POST", body: {} })).status).toBe(200);
    expect((await admin("/faults")).body.faults.map((f: any) => f.source)).toEqual(["route:GET /slow"]);
    expect((await admin(`/faults/nope/enable`, { method: "POST", body: {} })).status).toBe(404);
  });

  it("describes a chain's links as a graph for drawing", async () => {
    await admin("/chains", { body: { id: "g", links: [{ request: { id: "a", method: "GET", url: "http://127.0.0.1:1/a" } }, { request: { id: "b", method: "GET", url: "http://127.0.0.1:1/{{chain.a.id}}" } }] } });
    const c = (await admin("/chains/g")).body;
    expect(c.graph).toEqual([
      { id: "a", name: "a", dependsOn: [], inferred: [], method: "GET", url: "http://127.0.0.1:1/a" },
      { id: "b", name: "b", dependsOn: ["a"], inferred: ["a"], method: "GET", url: "http://127.0.0.1:1/{{chain.a.id}}" },
    ]);
  });
});
