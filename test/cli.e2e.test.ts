import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, startCliServer } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "mockforge-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe("mockforge validate", () => {
  it("accepts a good config", async () => {
    const r = await runCli(["validate", join(import.meta.dirname, "..", "examples", "mockforge.yaml")]);
    // Its one warning: GET /api/orders/:id does not take `logs` as an id (that is the orders' request log).
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^warning: .*GET \/api\/orders\/:id does not answer GET \/api\/orders\/logs/)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/OK/);
  });

  it("refuses an unknown key with file:line:col, the path and a suggestion; exit 1", async () => {
    const p = file("broken.yaml", "routes:\n  - path: /a\n    methd: GET\n");
    const r = await runCli(["validate", p]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${p}:3:5`);
    expect(r.stderr).toContain("routes[0].methd");
    expect(r.stderr).toMatch(/did you mean .?method/);
  });

  it("refuses invalid YAML with its position", async () => {
    const p = file("bad-yaml.yaml", "routes:\n  - path: /a\n   method: [GET\n");
    const r = await runCli(["validate", p]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/MFG_ERR_CONFIG_PARSE/);
    expect(r.stderr).toMatch(new RegExp(`${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+`));
  });

  it("refuses a template with a syntax error, and an injection attempt", async () => {
    const p = file("bad-template.yaml", "routes:\n  - path: /a\n    response:\n      body: { x: \"{{ request.body. }}\" }\n");
    const r = await runCli(["validate", p]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/routes\[0\]\.response\.body\.x/);
    const q = file("inject.yaml", "routes:\n  - path: /a\n    response:\n      body: \"{{ constructor.constructor('return process')() }}\"\n");
    const r2 = await runCli(["validate", q]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/MFG_ERR_EXPR_FORBIDDEN|MFG_ERR_TEMPLATE_SYNTAX/);
  });

  it("refuses duplicate routes", async () => {
    const p = file("dup.yaml", "routes:\n  - path: /u/:id\n    method: GET\n  - path: /u/{name}\n    method: GET\n");
    const r = await runCli(["validate", p]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/MFG_ERR_ROUTE_DUPLICATE/);
  });
});

describe("mockforge deliveries and chain validate", () => {
  it("refuses a state file that does not exist instead of reporting an empty outbox", async () => {
    const r = await runCli(["deliveries", "list", "--state", join(dir, "nope.db")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No state file at/);
    expect(existsSync(join(dir, "nope.db"))).toBe(false);
  });

  it("validates a chain file: 0 when fine, 2 with the problem when not", async () => {
    const good = file("good-chain.yaml", "links:\n  - request: { id: a, method: GET, url: 'http://127.0.0.1:1/a' }\n");
    const ok = await runCli(["chain", "validate", good]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/chain 'good-chain', 1 links/);
    const bad = file("cycle-chain.yaml", "links:\n  - request: { id: a, method: GET, url: x }\n    dependsOn: [b]\n  - request: { id: b, method: GET, url: x }\n    dependsOn: [a]\n");
    const r = await runCli(["chain", "validate", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/MFG_ERR_CHAIN_CYCLE/);
  });
});

describe("mockforge serve", () => {
  it("exits 1 before listening on a bad config", async () => {
    const p = file("bad-serve.yaml", "http: { port: 0 }\nroutes:\n  - path: /a\n    response: { status: \"abc\" }\n");
    const r = await runCli(["serve", "--config", p]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/routes\[0\]\.response\.status/);
    expect(r.stdout + r.stderr).not.toMatch(/MockForge serving/);
  });

  it("reports every load problem at once, as validate does: routes, rules, hooks and webhook events; exit 1", async () => {
    // Before, serve stopped at the route problems; the rule and hook ones showed only after a fix and a restart.
    const p = file(
      "many-problems.yaml",
      [
        "routes:",
        "  - path: /a",
        '    response: { status: 200, body: "{{reqest.body.x}}" }',
        "  - path: /a",
        "    response: { status: 200 }",
        "intelligent_behavior:",
        "  behavior_model:",
        "    consistency_rules:",
        "      - name: broken",
        '        condition: "path == "',
        "        action: { type: execute_chain, chain_id: nope }",
        "      - name: announce",
        "        condition: \"path == '/a'\"",
        "        action: { type: trigger_webhook, event: newPet }",
        "chaos:",
        "  scenarios:",
        "    - name: s",
        "      steps:",
        "        - name: one",
        "          request: { method: GET, url: /a }",
        "          post_hooks:",
        "            - name: h",
        "              actions:",
        "                - { type: execute_chain, chain_id: missing_chain }",
        "",
      ].join("\n"),
    );
    const [served, validated] = await Promise.all([runCli(["serve", "--config", p, "--port", "0", "--ephemeral"]), runCli(["validate", p])]);
    expect(served.code).toBe(1);
    expect(served.stdout + served.stderr).not.toMatch(/MockForge serving/);
    const problems = (text: string) => text.split("\n").filter((l) => /^:\d/.test(l.slice(p.length)) && l.startsWith(p));
    expect(problems(served.stderr).map((l) => /\[(MFG_ERR_\w+)\]$/.exec(l)?.[1])).toEqual([
      "MFG_ERR_EXPR_MISSING_NAME",
      "MFG_ERR_ROUTE_DUPLICATE",
      "MFG_ERR_EXPR_SYNTAX",
      "MFG_ERR_CHAIN_NOT_FOUND",
      "MFG_ERR_OPENAPI_UNKNOWN_EVENT",
      "MFG_ERR_CHAIN_NOT_FOUND",
    ]);
    expect(served.stderr).toContain(`${p}: 6 problems`);
    // One path: the same report, line for line.
    expect(problems(served.stderr)).toEqual(problems(validated.stderr));
    expect(validated.code).toBe(1);
  });

  it("says so, and exits 1, when the port is taken", async () => {
    const { createServer } = await import("node:net");
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const cfg = join(import.meta.dirname, "fixtures", "seed", "13-using-mockforge-to-receive-webhooks.yaml");
      const r = await runCli(["serve", "--config", cfg, "--port", String(port), "--ephemeral"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`Cannot listen on 127.0.0.1:${port}: it is already in use`));
    } finally {
      blocker.close();
    }
  });

  it("serves the seed receiver, prints its routes and admin URL, and shuts down on SIGTERM", async () => {
    const cfg = join(import.meta.dirname, "fixtures", "seed", "13-using-mockforge-to-receive-webhooks.yaml");
    const state = join(dir, "state.db");
    const s = await startCliServer(["--config", cfg, "--port", "0", "--state", state]);
    expect(s.output()).toMatch(/POST\s+http:\/\/127\.0\.0\.1:\d+\/webhooks\/orders/);
    expect(s.output()).toMatch(/__mockforge/);
    expect(s.output()).toMatch(/dashboard at http:\/\/127\.0\.0\.1:\d+\/__mockforge\/ui/);
    const ui = await fetch(`${s.url}/__mockforge/ui`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain("MockForge dashboard");
    const res = await fetch(`${s.url}/webhooks/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"event":"order.created"}' });
    expect(res.status).toBe(200);
    // A long-poll in progress must not hold the shutdown.
    const pending = fetch(`${s.url}/__mockforge/requests/wait?path=/never&timeout_ms=60000`).catch(() => null);
    const exited = new Promise<number | null>((r) => s.proc.on("exit", (c) => r(c)));
    s.proc.kill("SIGTERM");
    expect(await exited).toBe(0);
    await pending;
    expect(existsSync(state)).toBe(true);
  });
});
