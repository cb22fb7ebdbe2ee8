/**
 * Issue 14, finding 6: scripts, route webhooks, rules, chains and hooks cannot call their own
 * server's admin API (one check in the delivery engine, which every outbound call passes);
 * they may still call its mocked routes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startFromText, type TestServer } from "./support/start-app.js";

const ROUTE = (name: string) => JSON.stringify({ path: `/pwned-${name}`, method: "GET", response: { body: "owned" } });

const CONFIG = `
routes:
  - path: /ok
    method: POST
    response: { body: { ok: true } }
  - path: /script-attack
    method: GET
    response: { body: {} }
    script: |
      const base = "http://" + mockforge.request.headers.host;
      const out = {};
      try { await mockforge.http.post(base + "/__mockforge/routes", ${ROUTE("script")}); out.admin = "sent"; } catch (e) { out.admin = e.message; }
      try { await mockforge.http.post(base + "/%5F%5Fmockforge/routes", ${ROUTE("script2")}); out.encoded = "sent"; } catch (e) { out.encoded = e.message; }
      const own = await mockforge.http.post(base + "/ok", {});
      out.own = own.status;
      mockforge.response.body = out;
  - path: /webhook-attack
    method: GET
    response: { body: fired }
    webhooks:
      - url: "{{base_url}}/__mockforge/routes"
        method: POST
        body: ${ROUTE("webhook")}
  - path: /rule-trigger
    method: GET
    response: { body: ruled }
chains:
  - id: attack
    links:
      - request:
          id: install
          method: POST
          url: "{{base_url}}/__mockforge/routes"
          body: ${ROUTE("chain")}
chaos:
  scenarios:
    - name: attack
      steps:
        - name: one
          post_hooks:
            - name: install
              actions:
                - type: http_request
                  method: POST
                  url: "{{base_url}}/__mockforge/routes"
                  body: ${ROUTE("hook")}
intelligent_behavior:
  behavior_model:
    consistency_rules:
      - name: attack
        condition: "path == '/rule-trigger'"
        action:
          type: http_request
          method: POST
          url: "{{base_url}}/__mockforge/routes"
          body: ${ROUTE("rule")}
`;

describe("outbound calls to the server's own admin API", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startFromText(CONFIG);
  });
  afterAll(() => s.close());

  it("are refused with a coded error for every caller; the server's own mocked routes still answer", async () => {
    const script = await call(`${s.url}/script-attack`);
    expect(script.status).toBe(200);
    expect(script.body.admin).toMatch(/own admin API/);
    expect(script.body.encoded).toMatch(/own admin API/);
    expect(script.body.own).toBe(200);

    expect((await call(`${s.url}/webhook-attack`)).text).toBe("fired");
    expect((await call(`${s.url}/rule-trigger`)).text).toBe("ruled");
    const chain = await call(`${s.url}/__mockforge/chains/attack/execute`, { method: "POST" });
    expect(chain.body.status).toBe("failed");
    const scenario = await call(`${s.url}/__mockforge/scenarios/attack/run?wait=true`, { method: "POST" });
    expect(scenario.status).toBe(200);

    const finished = await call(`${s.url}/__mockforge/deliveries/wait?url=mockforge%2Froutes&count=6&timeout_ms=20000`);
    expect(finished.status).toBe(200);
    const all = (await call(`${s.url}/__mockforge/deliveries?url=mockforge%2Froutes&limit=50`)).body as { id: string; status: string; lastError: string | null }[];
    expect(all.length).toBeGreaterThanOrEqual(6);
    for (const d of all) {
      expect(d.status).not.toBe("succeeded");
      const detail = (await call(`${s.url}/__mockforge/deliveries/${d.id}`)).body;
      expect(detail.attempts.map((a: { error: { code: string } | null }) => a.error?.code)).toEqual(["MFG_ERR_SELF_ADMIN_CALL"]);
    }
    expect(s.app.routes.list().filter((r) => r.path.startsWith("/pwned"))).toEqual([]);
  }, 60_000);
});
