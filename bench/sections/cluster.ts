import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { load, ratio } from "../lib/load.js";
import { freePort, startChild, type Child } from "../lib/processes.js";
import { median } from "./bench-stats.js";
import { processCost } from "../lib/timed-child.js";
import { drainReceiver as drain } from "../lib/receiver-stats.js";
// The tests' helper: a database of its own, dropped afterwards (its pool ignores the connections DROP … FORCE ends).
import { createTestDatabase, type TestDatabase } from "../../test/support/cluster.js";

const ROUNDS = 3;
const LEASE_MS = 2000;
/** Requests each member serves before the rounds (see the warm-up below). */
const WARM_PER_MEMBER = 6000;

/**
 * Issue 19: webhooks/s and trigger→delivery p99 for one instance on SQLite, one on PostgreSQL
 * and two on PostgreSQL (the load split over both), in rotating order, same receiver; then the
 * failover time: `kill -9` of a member holding leased attempts → the first re-send by the other
 * (target: lease time + 1 s). Targets: one on PostgreSQL >= 0.5× one on SQLite; two on
 * PostgreSQL no slower than one. PostgreSQL: MOCKFORGE_TEST_POSTGRES_URL, else
 * scripts/ci-postgres.sh starts one.
 */
export async function clusterSection(tmp: string, seconds: number): Promise<Record<string, unknown>> {
  const base = postgresUrl();
  if (!base) return { skipped: "no PostgreSQL: set MOCKFORGE_TEST_POSTGRES_URL or let scripts/ci-postgres.sh start one" };
  const children: Child[] = [];
  const rxPort = await freePort();
  const rx = `http://127.0.0.1:${rxPort}`;
  children.push(await startChild(process.execPath, ["bench/servers/receiver.mjs", String(rxPort)], /READY/));
  const dbs: TestDatabase[] = [];
  try {
    const cfg = join(tmp, "cluster.yaml");
    writeFileSync(cfg, fanoutConfig(`${rx}/hook`));
    const serve = (storage: string) => startMember(cfg, storage, children);
    const one = await createTestDatabase(base);
    const two = await createTestDatabase(base);
    dbs.push(one, two);
    const setups: Record<string, Setup> = {
      sqlite_1: setup([await serve(`sqlite:${join(tmp, "cluster.db")}`)], null),
      postgres_1: setup([await serve(one.url)], one),
      postgres_2: setup([await serve(two.url), await serve(two.url)], two),
    };
    const names = Object.keys(setups);
    const post = { method: "POST", body: "{}", headers: { "content-type": "application/json" } };
    const measure = async (set: Setup, forSeconds: number) => {
      await fetch(`${rx}/reset`);
      const before = await cost(set);
      // 20 connections in all, split over the members, as a load balancer would.
      const opts = { ...post, connections: Math.round(20 / set.urls.length), seconds: forSeconds };
      const loads = await Promise.all(set.urls.map((u) => load(`${u}/api/orders`, opts)));
      const total = loads.reduce((n, l) => n + l.total, 0);
      const s = await drain(rx, total);
      const after = await cost(set);
      const per = (a: number | null, b: number | null, scale: number) => (a === null || b === null ? null : Math.round(((a - b) * scale) / Math.max(1, s.distinct)) / 100);
      return {
        delivered_per_s: Math.round(s.distinct / Math.max(0.001, s.span_ms / 1000)),
        p99_ms: s.p99_ms,
        delivered_fraction: s.distinct / Math.max(1, total),
        requests_per_s: Math.round(loads.reduce((n, l) => n + l.rps, 0)),
        member_cpu_us_per_webhook: per(after.memberMs, before.memberMs, 100_000),
        postgres_cpu_us_per_webhook: per(after.postgresMs, before.postgresMs, 100_000),
        statements_per_webhook: per(after.statements, before.statements, 100),
      };
    };
    // Every member serves as many requests before the rounds, so each runs optimised code: a
    // process's CPU per webhook fell from 1.2 ms after 1,000 requests to 0.5 ms after 8,000 (its
    // compiler threads alone from 0.4 to 0.06 ms), and a one-second warm-up split over two
    // members left each of them half as warm as the one member it was compared with.
    for (const n of names) {
      const set = setups[n]!;
      await fetch(`${rx}/reset`);
      await Promise.all(set.urls.map((u) => load(`${u}/api/orders`, { ...post, connections: Math.round(20 / set.urls.length), seconds: 60, amount: WARM_PER_MEMBER })));
      await drain(rx, WARM_PER_MEMBER * set.urls.length);
      // What autovacuum does within its naptime (a minute) of a table filling: without it, plans
      // a connection cached while the tables were empty would be measured instead of a running cluster's.
      await set.db?.query("ANALYZE");
    }
    const rounds: Record<string, Awaited<ReturnType<typeof measure>>>[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const round: Record<string, Awaited<ReturnType<typeof measure>>> = {};
      for (let k = 0; k < names.length; k++) {
        const n = names[(i + k) % names.length]!;
        round[n] = await measure(setups[n]!, seconds);
      }
      rounds.push(round);
    }
    const pgVsSqlite = median(rounds.map((r) => r.postgres_1!.delivered_per_s / r.sqlite_1!.delivered_per_s))!;
    const twoVsOne = median(rounds.map((r) => r.postgres_2!.delivered_per_s / r.postgres_1!.delivered_per_s))!;
    const failover = await measureFailover(tmp, base, dbs, children);
    const cpuOf = (r: (typeof rounds)[number], n: string) => (r[n]!.member_cpu_us_per_webhook ?? Number.NaN) + (r[n]!.postgres_cpu_us_per_webhook ?? 0);
    return {
      delivered_per_s_median: Object.fromEntries(names.map((n) => [n, median(rounds.map((r) => r[n]!.delivered_per_s))])),
      // On a machine whose CPU is the limit (a loaded 2-core one), these move far less than webhooks/s.
      cpu_us_per_webhook_median: Object.fromEntries(names.map((n) => [n, Math.round(median(rounds.map((r) => cpuOf(r, n)))!)])),
      statements_per_webhook_median: Object.fromEntries(names.filter((n) => n !== "sqlite_1").map((n) => [n, median(rounds.map((r) => r[n]!.statements_per_webhook ?? Number.NaN))])),
      p99_ms_median: Object.fromEntries(names.map((n) => [n, median(rounds.map((r) => r[n]!.p99_ms ?? Number.NaN))])),
      postgres_1_vs_sqlite_1: ratio(pgVsSqlite, 1),
      target_postgres_1_vs_sqlite_1: ">= 0.5",
      met_postgres_1_vs_sqlite_1: pgVsSqlite >= 0.5,
      postgres_2_vs_postgres_1: ratio(twoVsOne, 1),
      target_postgres_2_vs_postgres_1: ">= 1.0 (no slower)",
      met_postgres_2_vs_postgres_1: twoVsOne >= 1,
      failover,
      rounds,
    };
  } finally {
    for (const c of children.reverse()) await c.stop();
    for (const d of dbs) await d.drop().catch(() => undefined);
  }
}

/** The members of one setup, and its database (null for SQLite). */
interface Setup {
  urls: string[];
  pids: number[];
  db: TestDatabase | null;
}

function setup(members: { c: Child; url: string }[], db: TestDatabase | null): Setup {
  return { urls: members.map((m) => m.url), pids: members.map((m) => m.c.proc.pid!), db };
}

/**
 * CPU ms of a setup's members and of the PostgreSQL backends serving its database (when the
 * server is on this machine: /proc of the pids in pg_stat_activity), and statements run in it
 * (transactions committed, every statement being its own). Nulls where it cannot be read.
 */
async function cost(set: Setup): Promise<{ memberMs: number | null; postgresMs: number | null; statements: number | null }> {
  const memberMs = sum(set.pids.map((pid) => processCost(pid).cpuMs));
  if (!set.db) return { memberMs, postgresMs: null, statements: null };
  const backends = await set.db.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
  const postgresMs = sum(backends.map((r) => processCost(Number(r.pid)).cpuMs));
  // A backend reports its counts at most once a second (PostgreSQL 15): wait for the last ones.
  await new Promise((r) => setTimeout(r, 1100));
  const statements = Number((await set.db.query("SELECT xact_commit AS x FROM pg_stat_database WHERE datname = current_database()"))[0]?.x ?? Number.NaN);
  return { memberMs, postgresMs, statements };
}

function sum(values: (number | null)[]): number | null {
  return values.some((v) => v === null) ? null : values.reduce<number>((n, v) => n + v!, 0);
}

export function fanoutConfig(hook: string): string {
  return `webhooks: { lease_ms: ${LEASE_MS} }
routes:
  - path: /api/orders
    method: POST
    response: { status: 201, body: { id: "{{uuid}}", status: created } }
    webhooks:
      - url: "${hook}"
        body: { event: order.created, id: "{{response.body.id}}", t: "{{now}}" }
`;
}

async function startMember(cfg: string, storage: string, children: Child[]): Promise<{ c: Child; url: string }> {
  const port = await freePort();
  const c = await startChild(process.execPath, ["bin/mockforge.js", "serve", "--config", cfg, "--port", String(port), "--storage", storage], /MockForge serving/, { MOCKFORGE_LOG_LEVEL: "info" }, 60_000);
  children.push(c);
  return { c, url: `http://127.0.0.1:${port}` };
}

/**
 * Two members on one database, a receiver that holds every request; 20 webhooks fired at the
 * first, which leases and sends them; `kill -9` of it; the time until the other member sends
 * the first of them again (it has free slots, so only the lease stands in the way).
 */
async function measureFailover(tmp: string, base: string, dbs: TestDatabase[], children: Child[]): Promise<Record<string, unknown>> {
  const db = await createTestDatabase(base);
  dbs.push(db);
  const arrivals: { id: string; at: number }[] = [];
  const held: ServerResponse[] = [];
  const hold = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      arrivals.push({ id: String(req.headers["webhook-id"]), at: Date.now() });
      held.push(res);
    });
  });
  await new Promise<void>((r) => hold.listen(0, "127.0.0.1", () => r()));
  const cfg = join(tmp, "failover.yaml");
  writeFileSync(cfg, fanoutConfig(`http://127.0.0.1:${(hold.address() as AddressInfo).port}/hook`));
  try {
    const a = await startMember(cfg, db.url, children);
    await startMember(cfg, db.url, children);
    for (let i = 0; i < 20; i++) await (await fetch(`${a.url}/api/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).arrayBuffer();
    const deadline = Date.now() + 10_000;
    while (new Set(arrivals.map((x) => x.id)).size < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const leased = new Set(arrivals.map((x) => x.id));
    const exited = new Promise((r) => a.c.proc.once("exit", r));
    a.c.proc.kill("SIGKILL");
    const killedAt = Date.now();
    await exited;
    const seen = arrivals.length;
    while (!arrivals.slice(seen).some((x) => leased.has(x.id)) && Date.now() < killedAt + LEASE_MS + 30_000) await new Promise((r) => setTimeout(r, 10));
    const resend = arrivals.slice(seen).find((x) => leased.has(x.id));
    const ms = resend ? resend.at - killedAt : null;
    return { leased_by_killed_member: leased.size, lease_ms: LEASE_MS, kill_to_first_resend_ms: ms, target: `<= ${LEASE_MS + 1000} ms (lease + 1 s)`, met: ms !== null && ms <= LEASE_MS + 1000 };
  } finally {
    for (const r of held) r.destroy();
    hold.closeAllConnections();
    await new Promise<void>((r) => hold.close(() => r()));
  }
}

function postgresUrl(): string | null {
  if (process.env.MOCKFORGE_TEST_POSTGRES_URL) return process.env.MOCKFORGE_TEST_POSTGRES_URL;
  try {
    const out = execFileSync("bash", ["scripts/ci-postgres.sh"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 180_000 });
    return /MOCKFORGE_TEST_POSTGRES_URL=(\S+)/.exec(out)?.[1] ?? null;
  } catch {
    return null;
  }
}
