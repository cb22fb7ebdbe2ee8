/**
 * What a fixed amount of webhook work costs a cluster on PostgreSQL (issue 19), process by
 * process: the members (main thread and the others: compiler, GC), the PostgreSQL backends
 * serving their database, the receiver and this load generator; the statements it took
 * (`xact_commit`) and the buffer pages the backends touched, which do not move with the load
 * of a shared machine at all. Judge a change by running this on the old and the new build in
 * turn, not by webhooks/s.
 *
 *   npm run build && eval "$(bash scripts/ci-postgres.sh)"
 *   npx tsx bench/cluster-cost.ts 2                      # two members, this checkout's build
 *   npx tsx bench/cluster-cost.ts 1 /tmp/old-build       # one member, another build (a copy of its bin/, dist/, package.json)
 *   RATE=250 WARM=4000 npx tsx bench/cluster-cost.ts 2   # a fixed offered load, members warmed longer
 *
 * The work: WARM (default 4,000) `POST /api/orders` per member to warm up (a process's CPU per
 * webhook halves over its first thousands of requests, while V8 optimises), then REQUESTS
 * (default 2,000; one webhook each), 20 connections split over the members as a load balancer
 * would, at RATE requests/s in all (default: as fast as they answer). Figures are per webhook.
 *
 * Diagnostics: MEMBER_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, or
 * `--perf-basic-prof` with PERF_DIR); PERF_DIR=<dir> runs `perf record` on every member and on
 * the backends over the measured work; AUTO_EXPLAIN=<fraction> logs the plan of that fraction
 * of statements to the PostgreSQL server log (auto_explain; needs a superuser URL).
 */
import autocannon from "autocannon";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort, startChild, type Child } from "./lib/processes.js";
import { drainReceiver } from "./lib/receiver-stats.js";
import { processCost } from "./lib/timed-child.js";
import { fanoutConfig } from "./sections/cluster.js";
import { createTestDatabase, type TestDatabase } from "../test/support/cluster.js";

const WARM = Number(process.env.WARM ?? 4000);
const REQUESTS = Number(process.env.REQUESTS ?? 2000);
const RATE = Number(process.env.RATE ?? 0);
const CONNECTIONS = 20;

const members = Number(process.argv[2] ?? 1);
const root = resolve(process.argv[3] ?? ".");
const base = process.env.MOCKFORGE_TEST_POSTGRES_URL;
if (!base) throw new Error('set MOCKFORGE_TEST_POSTGRES_URL: eval "$(bash scripts/ci-postgres.sh)"');

const tmp = mkdtempSync(join(tmpdir(), "mockforge-cluster-cost-"));
const children: Child[] = [];
let db: TestDatabase | undefined;
try {
  db = await createTestDatabase(base);
  if (process.env.AUTO_EXPLAIN) await autoExplain(db, Number(process.env.AUTO_EXPLAIN));
  const rxPort = await freePort();
  const rx = `http://127.0.0.1:${rxPort}`;
  const receiver = await startChild(process.execPath, [resolve("bench/servers/receiver.mjs"), String(rxPort)], /READY/);
  children.push(receiver);
  const cfg = join(tmp, "cluster.yaml");
  writeFileSync(cfg, fanoutConfig(`${rx}/hook`));
  const urls: string[] = [];
  const pids: number[] = [];
  for (let i = 0; i < members; i++) {
    const m = await startMember(cfg, db.url);
    children.push(m.child);
    urls.push(m.url);
    pids.push(m.child.proc.pid!);
  }
  const fire = (perMember: number) =>
    Promise.all(
      urls.map((u) =>
        autocannon({ url: `${u}/api/orders`, connections: CONNECTIONS / members, amount: perMember, ...(RATE ? { overallRate: RATE / members } : {}), method: "POST", body: "{}", headers: { "content-type": "application/json" } }),
      ),
    );
  await fire(WARM);
  await drainReceiver(rx, WARM * members);
  await fetch(`${rx}/reset`);
  // What autovacuum does within a minute of a table filling (its naptime): plans made while the
  // tables were empty would otherwise be measured, not the ones a running cluster uses.
  await db.query("ANALYZE");
  const before = await snapshot(db, pids, receiver.proc.pid!);
  const perfs = process.env.PERF_DIR ? await perfRecord(db, pids, process.env.PERF_DIR) : [];
  const t0 = performance.now();
  await fire(REQUESTS / members);
  const s = await drainReceiver(rx, REQUESTS);
  const wallMs = performance.now() - t0;
  await Promise.all(perfs.map((p) => new Promise((r) => (p.once("exit", r), p.kill("SIGINT")))));
  const after = await snapshot(db, pids, receiver.proc.pid!);
  console.log(JSON.stringify({ root, members, delivered: s.distinct, duplicates: s.count - s.distinct, webhooks_per_s: Math.round(s.distinct / (wallMs / 1000)), ...report(before, after, s.distinct), loadavg: loadavg().map((x) => Math.round(x * 10) / 10) }));
} finally {
  for (const c of children.reverse()) await c.stop();
  await db?.drop().catch(() => undefined);
  rmSync(tmp, { recursive: true, force: true });
}

async function startMember(cfg: string, storage: string): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const nodeArgs = (process.env.MEMBER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const args = [...nodeArgs, join(root, "bin/mockforge.js"), "serve", "--config", cfg, "--port", String(port), "--storage", storage];
  const child = await startChild(process.execPath, args, /MockForge serving/, { MOCKFORGE_LOG_LEVEL: "info" }, 60_000);
  return { child, url: `http://127.0.0.1:${port}` };
}

interface Snapshot {
  members: number[];
  memberKernel: number;
  threads: Record<string, number>;
  postgres: number;
  receiver: number;
  self: number;
  statements: number;
  pages: number;
  tables: Record<string, number>;
}

function report(before: Snapshot, after: Snapshot, n: number) {
  const per = (a: number, b: number) => Math.round(((a - b) / n) * 1000) / 1000;
  const delta = (a: Record<string, number>, b: Record<string, number>) => Object.fromEntries(Object.keys(a).map((k) => [k, per(a[k]!, b[k] ?? 0)]).filter(([, v]) => v !== 0));
  return {
    ms_per_webhook: {
      members: after.members.map((m, i) => per(m, before.members[i]!)),
      members_total: per(sum(after.members), sum(before.members)),
      members_in_kernel: per(after.memberKernel, before.memberKernel),
      postgres: per(after.postgres, before.postgres),
      receiver: per(after.receiver, before.receiver),
      load_generator: per(after.self, before.self),
    },
    // The members' threads by name: `main` is the event loop; the others (`node`) compile and collect garbage.
    member_threads_ms_per_webhook: delta(after.threads, before.threads),
    statements_per_webhook: per(after.statements, before.statements),
    postgres_pages_per_webhook: per(after.pages, before.pages),
    // Rows inserted, updated or deleted, and rows read by sequential scans, per table.
    table_rows_per_webhook: delta(after.tables, before.tables),
  };
}

/** CPU ms per process (/proc), and the database's counters. */
async function snapshot(d: TestDatabase, pids: number[], receiverPid: number): Promise<Snapshot> {
  const backends = await d.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
  const postgres = backends.reduce((n, r) => n + (processCost(Number(r.pid)).cpuMs ?? 0), 0);
  const cpu = process.cpuUsage();
  const taken = {
    members: pids.map((p) => processCost(p).cpuMs ?? Number.NaN),
    memberKernel: sum(pids.map((p) => ticks(readFileSync(`/proc/${p}/stat`, "utf8"))[1])),
    threads: threadCpu(pids),
    postgres,
    receiver: processCost(receiverPid).cpuMs ?? Number.NaN,
    self: (cpu.user + cpu.system) / 1000,
  };
  // A backend reports its counts at most once a second (PostgreSQL 15): wait for the last ones.
  await new Promise((r) => setTimeout(r, 1100));
  const [stat] = await d.query("SELECT xact_commit AS x, blks_hit + blks_read AS b FROM pg_stat_database WHERE datname = current_database()");
  const rows = await d.query("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del AS n, seq_tup_read AS s FROM pg_stat_user_tables");
  const tables = Object.fromEntries(rows.flatMap((r) => [[`${String(r.relname)} written`, Number(r.n)], [`${String(r.relname)} scanned`, Number(r.s)]]));
  return { ...taken, statements: Number(stat!.x), pages: Number(stat!.b), tables };
}

/** utime and stime of a /proc stat line, in ms (USER_HZ 100). */
function ticks(stat: string): [number, number] {
  const f = stat.split(") ")[1]!.split(" ");
  return [Number(f[11]) * 10, Number(f[12]) * 10];
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** CPU ms of the members' threads, summed by thread name (the event loop's thread as `main`). */
function threadCpu(pids: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pid of pids) {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const name = tid === String(pid) ? "main" : /\((.*)\)/.exec(stat)![1]!;
        out[name] = (out[name] ?? 0) + sum(ticks(stat));
      } catch {
        // The thread ended between the listing and the read.
      }
    }
  }
  return out;
}

/** `perf record` of every member and of the database's backends, until SIGINT. */
async function perfRecord(d: TestDatabase, pids: number[], dir: string): Promise<ChildProcess[]> {
  const backends = (await d.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")).map((r) => String(r.pid));
  const record = (who: string, file: string) => spawn("perf", ["record", "-F", "997", "-g", "-p", who, "-o", join(dir, file)], { stdio: "ignore" });
  return [...pids.map((p) => record(String(p), `member-${p}.data`)), record(backends.join(","), "postgres.data")];
}

/** Logs the plans of `fraction` of the statements run in this database from now on (new sessions). */
async function autoExplain(d: TestDatabase, fraction: number): Promise<void> {
  const name = new URL(d.url).pathname.slice(1);
  for (const setting of ["session_preload_libraries = 'auto_explain'", "auto_explain.log_min_duration = 0", `auto_explain.sample_rate = ${fraction}`, "auto_explain.log_nested_statements = on"]) {
    await d.query(`ALTER DATABASE ${name} SET ${setting}`);
  }
}
