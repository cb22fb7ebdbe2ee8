/**
 * Helpers for the PostgreSQL cluster tests: a database of its own per test file (created and
 * dropped through the URL the CI gives), members started as real `mockforge serve` processes,
 * and bounded polling for things that have no event to wait on (a row count in the database).
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import pg from "pg";
import { startCliServer } from "./cli.js";

export interface TestDatabase {
  url: string;
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

/** A fresh database on the server `baseUrl` points at; `drop()` removes it (after members are gone). */
export async function createTestDatabase(baseUrl: string): Promise<TestDatabase> {
  const name = `mf_cluster_${process.pid}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // `drop()` ends the pool, then DROP DATABASE … WITH (FORCE) terminates what is left of its
  // connections (57P01): an idle client's error with no listener would be an uncaught exception.
  pool.on("error", () => undefined);
  return {
    url,
    async query(sql, params = []) {
      return (await pool.query(sql, params)).rows as Record<string, unknown>[];
    },
    async drop() {
      await pool.end();
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface Member {
  proc: ChildProcess;
  url: string;
  id: string;
  output: () => string;
}

/**
 * Starts `mockforge serve --storage <db>` and reads its member id from GET /__mockforge/cluster.
 * Allows 60 s to start (the whole suite runs in parallel on a small CI machine).
 */
export async function startMember(config: string, storage: string): Promise<Member> {
  // Members get 60 s to start: the whole suite runs in parallel on a small CI machine.
  const s = await startCliServer(["--config", config, "--port", "0", "--storage", storage], { startTimeoutMs: 60_000 });
  const status = (await (await fetch(`${s.url}/__mockforge/cluster`)).json()) as { self: string };
  return { proc: s.proc, url: s.url, id: status.self, output: s.output };
}

/** Polls `check` every `everyMs` until it returns a value (not undefined), at most `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Sends `count` POSTs spread round-robin over `urls`, `parallel` at a time; resolves with the statuses. */
export async function fire(urls: string[], path: string, count: number, parallel = 16): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const res = await fetch(`${urls[n % urls.length]}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ n }) });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return statuses;
}

/**
 * The cluster tests' config, written to `<dir>/mockforge.yaml`: `POST /orders` answers 202 and
 * queues one webhook to `hookUrl` carrying the body's `n` (so a test can tell which request each
 * arrival is for), and `GET /ping` answers from memory (it needs no store). `webhooks` is the
 * test's own delivery settings (lease, retries, concurrency).
 */
export function writeOrdersConfig(dir: string, hookUrl: string, webhooks: Record<string, unknown>): string {
  const file = join(dir, "mockforge.yaml");
  writeFileSync(
    file,
    `webhooks: ${JSON.stringify(webhooks)}
routes:
  - id: orders
    method: POST
    path: /orders
    response: { status: 202, body: { queued: true } }
    webhooks:
      - url: ${hookUrl}
        body: { n: "{{request.body.n}}" }
  - id: ping
    method: GET
    path: /ping
    response: { status: 200, body: pong }
`,
  );
  return file;
}

/** After the tests: kills (SIGKILL) every member still running, and closes the webhook receiver. */
export async function stopCluster(members: readonly Member[], receiver: Server): Promise<void> {
  for (const m of members) if (m.proc.exitCode === null && m.proc.signalCode === null) m.proc.kill("SIGKILL");
  receiver.closeAllConnections();
  await new Promise<void>((r) => receiver.close(() => r()));
}
