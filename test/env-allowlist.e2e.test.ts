/**
 * Issue 14, finding 5: one environment allowlist for templates, conditions and scripts. A config
 * file reads the names it writes literally plus `env_allowlist`; what the admin API adds reads
 * `env_allowlist` only; `{{env}}` as a whole renders only the allowed names. Real sockets.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/index.js";
import { Receiver } from "./support/receiver.js";
import { call, startFromText, type TestServer } from "./support/start-app.js";

const ENV = { REGION: "eu", WEBHOOK_TOKEN: "tok", SCRIPT_TOKEN: "st", CHAIN_ONLY: "c", DB_PASSWORD: "hunter2", OLD_STYLE: "old" };

const CONFIG = (rx: string) => `
env_allowlist: [REGION]
routes:
  - path: /whole
    response: { body: { env: "{{env}}" } }
  - path: /named
    response: { body: { token: "{{env.WEBHOOK_TOKEN}}", region: "{{env.REGION}}" } }
  - path: /computed
    response: { body: "v={{env[request.query.k]}}" }
  - path: /scripted
    script: |
      mockforge.response.body = { keys: Object.keys(mockforge.env).sort(), token: mockforge.env.SCRIPT_TOKEN ?? null, other: mockforge.env["DB_" + "PASSWORD"] ?? null };
  - path: /echo
    method: POST
    response: { body: "{{request.body}}" }
chains: [env.chain.yaml]
`;

const CHAIN = (rx: string) => `
id: envchain
links:
  - request:
      id: one
      method: POST
      url: "${rx}/file-chain"
      body: { only: "{{env.CHAIN_ONLY}}", whole: "{{env}}", keys: "{{variables.keys}}" }
    scripting:
      pre_script: |
        mockforge.variables.keys = Object.keys(mockforge.env).sort().join(",");
`;

describe("one environment allowlist (issue 14, finding 5)", () => {
  let rx: Receiver;
  let s: TestServer;
  beforeAll(async () => {
    rx = await new Receiver().start();
    s = await startFromText(CONFIG(rx.url), { env: ENV, files: { "env.chain.yaml": CHAIN(rx.url) } });
  });
  afterAll(async () => {
    await s.close();
    await rx.stop();
  });

  const fileNames = { REGION: "eu", WEBHOOK_TOKEN: "tok", SCRIPT_TOKEN: "st", CHAIN_ONLY: "c" };

  it("a config file reads the names it writes literally, and {{env}} as a whole renders only the allowed ones", async () => {
    expect((await call(`${s.url}/named`)).body).toEqual({ token: "tok", region: "eu" });
    const whole = (await call(`${s.url}/whole`)).body;
    expect(whole.env).toEqual(fileNames);
    expect(JSON.stringify(whole)).not.toContain("hunter2");
  });

  it("a computed key reads allowed names only; anything else is empty", async () => {
    expect((await call(`${s.url}/computed?k=REGION`)).text).toBe("v=eu");
    expect((await call(`${s.url}/computed?k=DB_PASSWORD`)).text).toBe("v=");
    expect((await call(`${s.url}/computed?k=PATH`)).text).toBe("v=");
  });

  it("scripts see the same allowed names, nothing else", async () => {
    expect((await call(`${s.url}/scripted`)).body).toEqual({ keys: Object.keys(fileNames).sort(), token: "st", other: null });
  });

  it("a chain file reads the names it writes, in templates and scripts, and no others", async () => {
    const run = await call(`${s.url}/__mockforge/chains/envchain/execute`, { body: {} });
    expect(run.body.status).toBe("succeeded");
    const [got] = await rx.waitFor((r) => r.path === "/file-chain");
    expect(got!.body).toEqual({ only: "c", whole: fileNames, keys: Object.keys(fileNames).sort().join(",") });
  });

  it("a route added through the admin API reads env_allowlist only: {{env}} renders just those, a script sees just those", async () => {
    const add = await call(`${s.url}/__mockforge/routes`, { body: { path: "/admin-whole", response: { body: { env: "{{env}}", region: "{{env.REGION}}" } } } });
    expect(add.status).toBe(201);
    expect((await call(`${s.url}/admin-whole`)).body).toEqual({ env: { REGION: "eu" }, region: "eu" });
    const scripted = await call(`${s.url}/__mockforge/routes`, { body: { path: "/admin-script", script: "mockforge.response.body = { keys: Object.keys(mockforge.env) };" } });
    expect(scripted.status).toBe(201);
    expect((await call(`${s.url}/admin-script`)).body).toEqual({ keys: ["REGION"] });
  });

  it("a route added through the admin API that names a variable outside env_allowlist is refused with a coded 400 (even one the file uses)", async () => {
    for (const body of [
      { path: "/leak", response: { body: "{{env.DB_PASSWORD}}" } },
      { path: "/leak", response: { body: "{{env.WEBHOOK_TOKEN}}" } },
      { path: "/leak", script: "mockforge.response.body = mockforge.env.SCRIPT_TOKEN;" },
      { path: "/leak", webhooks: [{ url: `${rx.url}/x`, headers: { "X-Sig": "{{hmac_sha256(env.DB_PASSWORD, body)}}" } }] },
      { path: "/leak", response: { body: "{{env[request.query.k]}}" } },
    ]) {
      const r = await call(`${s.url}/__mockforge/routes`, { body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe("MFG_ERR_ENV_NOT_ALLOWED");
      expect(r.text).not.toContain("hunter2");
    }
    expect((await call(`${s.url}/leak`)).status).toBe(404);
  });

  it("a chain added through the admin API reads env_allowlist only", async () => {
    const refused = await call(`${s.url}/__mockforge/chains`, { body: { id: "leaky", links: [{ request: { id: "a", method: "POST", url: `${rx.url}/leaky`, body: { p: "{{env.CHAIN_ONLY}}" } } }] } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("MFG_ERR_ENV_NOT_ALLOWED");
    const added = await call(`${s.url}/__mockforge/chains`, { body: { id: "admin_chain", links: [{ request: { id: "a", method: "POST", url: `${rx.url}/admin-chain`, body: { whole: "{{env}}" } } }] } });
    expect(added.status).toBe(201);
    expect((await call(`${s.url}/__mockforge/chains/admin_chain/execute`, { body: {} })).body.status).toBe("succeeded");
    const [got] = await rx.waitFor((r) => r.path === "/admin-chain");
    expect(got!.body).toEqual({ whole: { REGION: "eu" } });
  });
});

describe("scripting.env_allowlist, the old key", () => {
  it("still works, for templates and admin-added routes too, with a deprecation warning at load", async () => {
    const yaml = "scripting:\n  env_allowlist: [OLD_STYLE]\nroutes:\n  - path: /x\n    response: { body: { k: \"{{env[request.query.k]}}\" } }\n";
    const dir = mkdtempSync(join(tmpdir(), "mockforge-envdep-"));
    writeFileSync(join(dir, "mockforge.yaml"), yaml);
    const loaded = await loadConfig(join(dir, "mockforge.yaml"));
    expect(loaded.config.env_allowlist).toEqual(["OLD_STYLE"]);
    expect(loaded.warnings.find((w) => w.includes("deprecated"))).toMatch(/mockforge\.yaml:2:\d+ scripting\.env_allowlist: `scripting\.env_allowlist` is deprecated/);
    expect(loaded.warnings.find((w) => w.includes("computed key"))).toMatch(/mockforge\.yaml:5:\d+ routes\[0\]\.response\.body\.k: reads env with a computed key/);

    const s = await startFromText(yaml, { env: ENV });
    try {
      expect((await call(`${s.url}/x?k=OLD_STYLE`)).body).toEqual({ k: "old" });
      expect((await call(`${s.url}/x?k=DB_PASSWORD`)).body).toEqual({ k: "" });
      const add = await call(`${s.url}/__mockforge/routes`, { body: { path: "/y", response: { body: "{{env.OLD_STYLE}}" } } });
      expect(add.status).toBe(201);
      expect((await call(`${s.url}/y`)).text).toBe("old");
    } finally {
      await s.close();
    }
  });
});

describe("one live env view for every script", () => {
  it("a consistency rule's script reads a variable's current value, like a route's script (it read a copy made at start)", async () => {
    const rx = await new Receiver().start();
    const env = { RULE_TOKEN: "first" };
    const yaml = `
routes:
  - path: /orders
    method: POST
    response: { status: 201, body: { ok: true } }
  - path: /route-token
    script: "mockforge.response.body = { token: mockforge.env.RULE_TOKEN };"
intelligent_behavior:
  behavior_model:
    consistency_rules:
      - name: tell
        condition: "path == '/orders'"
        action:
          type: script
          script: "await mockforge.http.post('${rx.url}/rule-env', { token: mockforge.env.RULE_TOKEN, keys: Object.keys(mockforge.env) });"
`;
    const s = await startFromText(yaml, { env });
    try {
      expect((await call(`${s.url}/orders`, { body: {} })).status).toBe(201);
      expect((await rx.waitFor((r) => r.path === "/rule-env"))[0]!.body).toEqual({ token: "first", keys: ["RULE_TOKEN"] });
      env.RULE_TOKEN = "rotated";
      expect((await call(`${s.url}/route-token`)).body).toEqual({ token: "rotated" });
      expect((await call(`${s.url}/orders`, { body: {} })).status).toBe(201);
      const sent = await rx.waitFor((r) => r.path === "/rule-env", 2);
      expect(sent[1]!.body).toEqual({ token: "rotated", keys: ["RULE_TOKEN"] });
    } finally {
      await s.close();
      await rx.stop();
    }
  });
});
