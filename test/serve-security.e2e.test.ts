/**
 * Issue 14, finding 2 and the CLI token: `serve` refuses a non-loopback bind without an admin
 * token; the token comes from --admin-token, MOCKFORGE_ADMIN_TOKEN or the config; every
 * command that talks to a server with --url sends --token or MOCKFORGE_ADMIN_TOKEN.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, startCliServer } from "./support/cli.js";
import { nonLoopbackAddress } from "./support/raw-http.js";

const dir = mkdtempSync(join(tmpdir(), "mockforge-serve-sec-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cfg = join(dir, "mockforge.yaml");
writeFileSync(cfg, "http: { port: 0 }\nroutes:\n  - path: /a\n    response: { body: ok }\n");
// Children must not inherit a token from the shell running the tests.
const noToken = { MOCKFORGE_ADMIN_TOKEN: "" };

describe("serve on a non-loopback address", () => {
  for (const host of ["0.0.0.0", "::"]) {
    it(`refuses --host ${host} without a token: exit 1, coded, with a hint that shows how to set one`, async () => {
      const r = await runCli(["serve", "--config", cfg, "--host", host, "--ephemeral"], { env: noToken, timeoutMs: 90_000 });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("MFG_ERR_ADMIN_TOKEN_REQUIRED");
      expect(r.stderr).toContain("MOCKFORGE_ADMIN_TOKEN=");
      expect(r.stderr).toContain("--admin-token");
      expect(r.stdout + r.stderr).not.toMatch(/MockForge serving/);
    }, 120_000);
  }

  const remote = nonLoopbackAddress();
  (remote ? it : it.skip)("--insecure-no-admin-token starts anyway and warns at start", async () => {
    const s = await startCliServer(["--config", cfg, "--host", remote!, "--ephemeral", "--insecure-no-admin-token"], { env: noToken });
    try {
      expect(s.output()).toMatch(/INSECURE: listening on .* with no admin token/);
    } finally {
      s.proc.kill("SIGTERM");
    }
  }, 120_000);
});

describe("the admin token from the environment and the command line", () => {
  it("MOCKFORGE_ADMIN_TOKEN protects the admin API; the CLI's --url commands send --token or the same variable", async () => {
    const s = await startCliServer(["--config", cfg, "--port", "0", "--ephemeral"], { env: { MOCKFORGE_ADMIN_TOKEN: "env-tok" } });
    try {
      expect((await fetch(`${s.url}/__mockforge/health`)).status).toBe(401);
      expect((await fetch(`${s.url}/__mockforge/health`, { headers: { authorization: "Bearer env-tok" } })).status).toBe(200);
      const denied = await runCli(["deliveries", "list", "--url", s.url], { env: noToken, timeoutMs: 90_000 });
      expect(denied.code).toBe(1);
      expect(denied.stderr).toContain("MFG_ERR_UNAUTHORIZED");
      expect((await runCli(["deliveries", "list", "--url", s.url, "--token", "env-tok"], { env: noToken, timeoutMs: 90_000 })).code).toBe(0);
      expect((await runCli(["deliveries", "list", "--url", s.url], { env: { MOCKFORGE_ADMIN_TOKEN: "env-tok" }, timeoutMs: 90_000 })).code).toBe(0);
      expect((await runCli(["chain", "runs", "none", "--url", s.url, "--token", "env-tok"], { env: noToken, timeoutMs: 90_000 })).code).toBe(0);
    } finally {
      s.proc.kill("SIGTERM");
    }
  }, 300_000);

  it("--admin-token wins over the environment", async () => {
    const s = await startCliServer(["--config", cfg, "--port", "0", "--ephemeral", "--admin-token", "flag-tok"], { env: { MOCKFORGE_ADMIN_TOKEN: "env-tok" } });
    try {
      expect((await fetch(`${s.url}/__mockforge/health`, { headers: { authorization: "Bearer env-tok" } })).status).toBe(401);
      expect((await fetch(`${s.url}/__mockforge/health`, { headers: { authorization: "Bearer flag-tok" } })).status).toBe(200);
    } finally {
      s.proc.kill("SIGTERM");
    }
  }, 120_000);
});
