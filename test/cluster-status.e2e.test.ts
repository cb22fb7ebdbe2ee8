/**
 * `GET /__mockforge/cluster` and `mockforge cluster status` on the default SQLite store: one
 * member (the server itself), alive, holding no leases. The PostgreSQL cluster is covered by
 * cluster.e2e.test.ts.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, startCliServer } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "mockforge-cluster-status-"));
let server: ChildProcess | undefined;
afterAll(() => {
  server?.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("cluster status on a single-owner store", () => {
  it("shows the one member alive, over the admin API and the CLI", async () => {
    const config = join(dir, "mockforge.yaml");
    writeFileSync(config, "http:\n  port: 0\nroutes:\n  - path: /ping\n    response: { status: 200, body: pong }\n");
    const s = await startCliServer(["--config", config, "--port", "0", "--state", join(dir, "state.db")]);
    server = s.proc;
    const status = (await (await fetch(`${s.url}/__mockforge/cluster`)).json()) as Record<string, unknown> & { members: Record<string, unknown>[] };
    expect(status).toMatchObject({ shared: false, leaseMs: 10_000, queue: { pending: 0, inFlight: 0 } });
    expect(status.members).toHaveLength(1);
    expect(status.members[0]).toMatchObject({ id: status.self, alive: true, self: true, host: "127.0.0.1", pid: s.proc.pid, leases: 0 });

    const r = await runCli(["cluster", "status", "--url", s.url]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`${String(status.self)} \\*\\s+alive\\s+127\\.0\\.0\\.1:\\d+`));
    expect(r.stdout).toMatch(/queue: 0 pending, 0 in flight/);
  });
});
