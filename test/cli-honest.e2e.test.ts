import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startCliServer } from "./support/cli.js";

const EXAMPLES = join(import.meta.dirname, "..", "examples");

/** A payment API whose callback endpoint is down: 503 with a one-second Retry-After. */
let api: Server;
let apiUrl = "";
beforeAll(async () => {
  api = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.url === "/api/payments") {
        res.writeHead(201, { "content-type": "application/json" });
        res.end(JSON.stringify({ id: "pay_1", status: "processing", amount: 99.99 }));
        return;
      }
      res.writeHead(503, { "retry-after": "1", "content-type": "text/plain" });
      res.end("down for maintenance");
    });
  });
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", () => r()));
  apiUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
});
afterAll(() => api.close());

describe("mockforge chain run, honest exit", () => {
  it("waits through a link's retries, prints the summary with the reason, and exits 1 (not 13)", async () => {
    const r = await runCli(["chain", "run", join(EXAMPLES, "chains", "payment.yaml"), "--var", `base_url=${apiUrl}`], { timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/payment_gateway_callback/);
    expect(r.stdout).toMatch(/failed/);
    expect(r.stdout).toMatch(/503/);
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
