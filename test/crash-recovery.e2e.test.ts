import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, startCliServer } from "./support/cli.js";
import { Receiver } from "./support/receiver.js";

const N = 1000;

/**
 * SPEC §3 durability with real processes and sockets: a server with 1,000 webhooks pending
 * against a receiver that is down is killed with SIGKILL; restarted on the same state file
 * with the receiver up, it delivers every one of them (at-least-once: duplicates allowed,
 * none missing).
 */
describe("kill -9 with 1,000 deliveries pending", () => {
  const dir = mkdtempSync(join(tmpdir(), "mockforge-crash-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("delivers all 1,000 distinct webhook-ids after a restart", async () => {
    // Reserve a port for the receiver, then free it so the webhooks fail while it is down.
    const probe = await new Receiver().start();
    const port = probe.port;
    await probe.stop();
    const config = join(dir, "mockforge.yaml");
    writeFileSync(
      config,
      `webhooks:
  retry: { max_attempts: 50, initial_delay_ms: 100, exponential_backoff: true, max_delay_seconds: 1 }
  concurrency: 200
routes:
  - path: /api/orders
    method: POST
    response: { status: 201, body: { id: "{{request.body.n}}" } }
    webhooks:
      - url: "http://127.0.0.1:${port}/hooks"
        body: { n: "{{request.body.n}}" }
`,
    );
    const state = join(dir, "state.db");
    const first = await startCliServer(["--config", config, "--port", "0", "--state", state]);
    // 1,000 triggers, 50 at a time.
    for (let i = 0; i < N; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          fetch(`${first.url}/api/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ n: i + j }) }).then((r) => {
            expect(r.status).toBe(201);
            return r.arrayBuffer();
          }),
        ),
      );
    }
    // Every webhook is in the outbox (none can have succeeded: the receiver is down).
    const listed = await runCli(["deliveries", "list", "--state", state, "--limit", "2000", "--json"]);
    const rows = JSON.parse(listed.stdout) as { webhookId: string; status: string }[];
    expect(rows).toHaveLength(N);
    expect(rows.every((r) => r.status !== "succeeded")).toBe(true);

    const killed = new Promise((r) => first.proc.on("exit", r));
    first.proc.kill("SIGKILL");
    await killed;

    const rx = await new Receiver().start(port);
    const second = await startCliServer(["--config", config, "--port", "0", "--state", state]);
    try {
      await rx.waitFor(() => true, N, 60_000);
      await rx.waitFor(() => new Set(rx.received.map((r) => r.headers["webhook-id"])).size >= N, 1, 60_000);
      const ids = new Set(rx.received.map((r) => r.headers["webhook-id"]));
      expect(ids.size).toBe(N);
      expect(new Set(rows.map((r) => r.webhookId))).toEqual(ids);
      const ns = new Set(rx.received.map((r) => (r.body as { n: number }).n));
      expect(ns.size).toBe(N);
    } finally {
      second.proc.kill("SIGTERM");
      await rx.stop();
    }
  }, 120_000);
});

/**
 * Issue 15 item 1: kill -9 *while requests are being answered*. Every request answered 2xx must
 * have its webhook in the outbox (the answer waits for the commit). Small scale for CI: 400
 * requests, 16 at a time, the kill after the 150th answer; all on 127.0.0.1.
 */
describe("kill -9 under load", () => {
  const dir = mkdtempSync(join(tmpdir(), "mockforge-crash-load-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("loses no webhook of any request answered 2xx", async () => {
    const probe = await new Receiver().start();
    const port = probe.port;
    await probe.stop(); // the receiver stays down: every webhook stays in the outbox
    const config = join(dir, "mockforge.yaml");
    writeFileSync(
      config,
      `webhooks:
  retry: { max_attempts: 50, initial_delay_ms: 1000 }
routes:
  - path: /api/orders
    method: POST
    response: { status: 201 }
    webhooks:
      - { url: "http://127.0.0.1:${port}/hooks", body: { n: "{{request.body.n}}" } }
`,
    );
    const state = join(dir, "state.db");
    const server = await startCliServer(["--config", config, "--port", "0", "--state", state]);
    const exited = new Promise((r) => server.proc.on("exit", r));
    const answered2xx = new Set<number>();
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (next < 400 && !killed) {
        const n = next++;
        try {
          const r = await fetch(`${server.url}/api/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ n }) });
          await r.arrayBuffer();
          if (r.status >= 200 && r.status < 300) answered2xx.add(n);
        } catch {
          // cut by the kill: no answer, no promise made
        }
        if (answered2xx.size >= 150 && !killed) {
          killed = true;
          server.proc.kill("SIGKILL");
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    if (!killed) server.proc.kill("SIGKILL");
    await exited;
    expect(answered2xx.size).toBeGreaterThanOrEqual(150);

    const listed = await runCli(["deliveries", "list", "--state", state, "--limit", "5000", "--json"], { timeoutMs: 60_000 });
    expect(listed.code).toBe(0);
    const stored = new Set((JSON.parse(listed.stdout) as { request: { body: string } }[]).map((d) => Number(JSON.parse(d.request.body).n)));
    const lost = [...answered2xx].filter((n) => !stored.has(n));
    expect(lost).toEqual([]);
  }, 120_000);
});
