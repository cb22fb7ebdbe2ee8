import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startCliServer } from "./support/cli.js";
import { startDownCallbackApi, writeLongScenario } from "./support/cli-fixtures.js";

const EXAMPLES = join(import.meta.dirname, "..", "examples");

/** A payment API whose callback endpoint is down: 503 with a one-second Retry-After. */
let api: Awaited<ReturnType<typeof startDownCallbackApi>>;
let apiUrl = "";
beforeAll(async () => {
  api = await startDownCallbackApi();
  apiUrl = api.url;
});
afterAll(() => api.close());

describe("mockforge chain run, honest exit", () => {
  it("waits through a link's retries, prints the summary with the reason, and exits 1 (not 13)", async () => {
    const r = await runCli(["chain", "run", join(EXAMPLES, "chains", "payment.yaml"), "--var", `base_url=${apiUrl}`], { timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/payment_gateway_callback/);
    expect(r.stdout).toMatch(/failed/);
    expect(r.stdout).toMatch(/503/);
    // Piped: every event is a plain line (starts too), no status line, colours or carriage returns.
    expect(r.stdout).toMatch(/^→ payment_gateway_callback started$/m);
    expect(r.stdout).not.toMatch(/[\r\u001b]/);
  }, 40_000);
});

describe("mockforge serve, bad state paths and a taken port", () => {
  const receiver = join(EXAMPLES, "receiver", "mockforge.yaml");
  for (const state of ["/proc/nope/state.db", "/etc/passwd/state.db"]) {
    // The one-second bound is asserted on the storage itself (ensure-folder.test.ts): the CLI's
    // start-up from sources on a loaded machine is not the state path's doing.
    it(`refuses --state ${state} with a coded error and exit 1`, async () => {
      const r = await runCli(["serve", "--config", receiver, "--port", "0", "--state", state], { timeoutMs: 15_000 });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/MFG_ERR_STORAGE: .*state\.db/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it("names a taken port MFG_ERR_LISTEN", async () => {
    const { createServer: createNetServer } = await import("node:net");
    const blocker = createNetServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
    try {
      const port = (blocker.address() as { port: number }).port;
      const r = await runCli(["serve", "--config", receiver, "--port", String(port), "--ephemeral"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/MFG_ERR_LISTEN: Cannot listen on 127\.0\.0\.1:\d+: it is already in use/);
    } finally {
      blocker.close();
    }
  });
});

describe("mockforge serve, one owner per SQLite state file", () => {
  it("a second serve on the same state file exits 1 naming the owner's pid and PostgreSQL", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "mockforge-owner-"));
    const state = join(dir, "state.db");
    const receiver = join(EXAMPLES, "receiver", "mockforge.yaml");
    const first = await startCliServer(["--config", receiver, "--port", "0", "--state", state]);
    try {
      const r = await runCli(["serve", "--config", receiver, "--port", "0", "--state", state]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`MFG_ERR_STORAGE_LOCKED: State file '.*state\\.db' is in use by pid ${first.proc.pid}`));
      expect(r.stderr).toMatch(/PostgreSQL/);
    } finally {
      const exited = new Promise((res) => first.proc.on("exit", res));
      first.proc.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});

describe("mockforge scenario run waits for what it started", () => {
  // The scenario's request matches a rule whose chain calls a slow route (2.5 s, longer than the
  // 2 s that closing the server gives running work) that answers 503: the chain fails.
  const config = (slowStatus: number) => `
http: { port: 0 }
routes:
  - { path: /api/orders, method: POST, response: { status: 201, body: { id: ord_1 } } }
  - { path: /slow, method: POST, response: { status: ${slowStatus}, delay_ms: 2500, body: { ok: true } } }
chains:
  - id: confirm_chain
    links:
      - request: { id: confirm, method: POST, url: "{{base_url}}/slow", body: { order: "{{variables.order_id}}" } }
chaos:
  scenarios:
    - name: one_order
      steps:
        - name: create_order
          request: { method: POST, url: /api/orders, body: { total: 1 } }
intelligent_behavior:
  behavior_model:
    consistency_rules:
      - name: confirm_every_order
        condition: "path == '/api/orders' AND status == 201"
        action: { type: execute_chain, chain_id: confirm_chain, variables: { order_id: "{{response.body.id}}" } }
`;

  async function write(name: string, text: string): Promise<string> {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const p = join(mkdtempSync(join(tmpdir(), "mockforge-scn-")), name);
    writeFileSync(p, text);
    return p;
  }

  it("a rule-triggered chain that fails makes the run exit 1, naming the rule and the chain and why", async () => {
    const cfg = await write("fails.yaml", config(503));
    const r = await runCli(["scenario", "run", "--config", cfg, "one_order"], { timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/rule confirm_every_order: failed.*chain confirm_chain/);
    expect(r.stdout).toMatch(/503/);
  }, 40_000);

  it("a rule-triggered chain that succeeds is waited for and reported; exit 0", async () => {
    const cfg = await write("works.yaml", config(200));
    const r = await runCli(["scenario", "run", "--config", cfg, "one_order"], { timeoutMs: 30_000 });
    expect(r.stdout).toMatch(/rule confirm_every_order: succeeded.*chain confirm_chain/);
    expect(r.code).toBe(0);
  }, 40_000);

  it("--timeout bounds the wait: what is still running is named and the exit code is 1", async () => {
    const cfg = await write("slow.yaml", config(200));
    const r = await runCli(["scenario", "run", "--config", cfg, "one_order", "--timeout", "500"], { timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/rule confirm_every_order: (running|failed)/);
    expect(r.stdout).toMatch(/still running after 500 ms|timed out/);
  }, 40_000);
});

describe("mockforge scenario run, live lines and Ctrl-C", () => {
  it("prints each step as it finishes, one line per event when piped; SIGINT prints the partial report and exits 130", async () => {
    const { spawn } = await import("node:child_process");
    const cfg = writeLongScenario();
    const p = spawn(process.execPath, [join(import.meta.dirname, "..", "bin", "mockforge.js"), "scenario", "run", "--config", cfg, "long"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stderr.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((r) => p.on("exit", (c) => r(c)));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no live line:\n${out}`)), 30_000);
      p.stdout.on("data", (d) => {
        out += d;
        if (/^step first: succeeded/m.test(out)) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    p.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(out).toMatch(/scenario long: stopped/);
    expect(out).toMatch(/step first: succeeded/);
    expect(out).toMatch(/interrupted/);
    expect(out).not.toMatch(/[\r\u001b]/);
  }, 60_000);
});

describe("mockforge serve, access log", () => {
  const config = async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const p = join(mkdtempSync(join(tmpdir(), "mockforge-access-")), "mockforge.yaml");
    writeFileSync(p, `routes:\n  - id: create_order\n    path: /api/orders\n    method: POST\n    response: { status: 201 }\n    webhooks:\n      - { url: "{{base_url}}/hooks", body: { a: 1 } }\n  - { path: /hooks, method: POST, response: { status: 200 } }\n`);
    return p;
  };

  it("--access-log logs one line per request (method, path, status, ms, route, webhooks queued), also when piped", async () => {
    const s = await startCliServer(["--config", await config(), "--port", "0", "--ephemeral", "--access-log"]);
    try {
      await (await fetch(`${s.url}/api/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).arrayBuffer();
      await (await fetch(`${s.url}/nope`)).arrayBuffer();
      const until = Date.now() + 10_000;
      // A line is written once the answer went out, so it may reach us after the answer: wait for all three.
      const seen = () => ["/api/orders", "/nope", "/hooks"].every((p) => s.output().includes(`"path":"${p}"`));
      while (!seen() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      const lines = s.output().split("\n").filter((l) => l.includes('"access"'));
      const order = lines.find((l) => l.includes('"path":"/api/orders"'));
      expect(order).toMatch(/"method":"POST".*"status":201.*"ms":[\d.]+.*"route":"create_order".*"webhooks":1/);
      expect(lines.find((l) => l.includes("/nope"))).toMatch(/"path":"\/nope".*"status":404.*"route":null/);
      expect(lines.find((l) => l.includes("/hooks"))).toMatch(/"path":"\/hooks".*"status":200/);
    } finally {
      const exited = new Promise((r) => s.proc.on("exit", r));
      s.proc.kill("SIGTERM");
      await exited;
    }
  }, 60_000);

  it("is off by default when the output is not a terminal", async () => {
    const s = await startCliServer(["--config", await config(), "--port", "0", "--ephemeral"]);
    try {
      await (await fetch(`${s.url}/api/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).arrayBuffer();
      await new Promise((r) => setTimeout(r, 300));
      expect(s.output()).not.toMatch(/"access"/);
    } finally {
      const exited = new Promise((r) => s.proc.on("exit", r));
      s.proc.kill("SIGTERM");
      await exited;
    }
  }, 60_000);
});
