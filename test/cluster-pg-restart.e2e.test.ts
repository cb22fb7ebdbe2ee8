/**
 * PostgreSQL restarted under load (issue 19): two members on a PostgreSQL server of this test's
 * own (so stopping it does not disturb the other suites), requests firing webhooks at both
 * while the server is stopped and started again. While it is away: static routes still answer
 * from memory, the admin API answers 503 with a coded body, a request whose webhooks cannot be
 * stored is refused with 503 (and sends nothing). Afterwards: the members reconnect on their own
 * and every request that was answered 202 has its webhook delivered.
 */
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startMember, stopCluster, writeOrdersConfig, type Member } from "./support/cluster.js";

const available = Boolean(process.env.MOCKFORGE_TEST_POSTGRES_URL);
if (!available) {
  console.warn('SKIPPED PostgreSQL restart e2e: MOCKFORGE_TEST_POSTGRES_URL not set (run: eval "$(bash scripts/ci-postgres.sh)")');
}

// Not under a mkdtemp folder: that one is private to root, and the server runs as `postgres`.
const pgEnv = { ...process.env, MOCKFORGE_CI_PG_DIR: join(tmpdir(), `mockforge-pg-restart-${process.pid}`), MOCKFORGE_CI_PG_DB: "mf_restart" };
const pg = (...args: string[]) => execFileSync("bash", ["scripts/ci-postgres.sh", ...args], { env: pgEnv, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
const dir = mkdtempSync(join(tmpdir(), "mockforge-pg-restart-"));
const members: Member[] = [];

/** Answers every webhook 204 and remembers its body's `n` and its webhook-id. */
const arrived: { n: number; id: string }[] = [];
const receiver = createServer((req, res) => {
  let body = "";
  req.on("data", (c: Buffer) => (body += c.toString()));
  req.on("end", () => {
    arrived.push({ n: Number((JSON.parse(body) as { n: unknown }).n), id: String(req.headers["webhook-id"]) });
    res.writeHead(204).end();
  });
});

describe.skipIf(!available)("PostgreSQL restarted under load (2 members, real processes)", () => {
  beforeAll(async () => {
    const url = /MOCKFORGE_TEST_POSTGRES_URL=(\S+)/.exec(pg())![1]!;
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
    const port = (receiver.address() as AddressInfo).port;
    const config = writeOrdersConfig(dir, `http://127.0.0.1:${port}/hook`, { lease_ms: 1500, retry: { max_attempts: 50, initial_delay_ms: 100, max_delay_seconds: 0.5 } });
    members.push(...(await Promise.all([0, 1].map(() => startMember(config, url)))));
  }, 180_000);

  afterAll(async () => {
    await stopCluster(members, receiver);
    try {
      pg("stop");
    } catch {
      // best effort: the folder is in the temp dir either way
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves static routes and answers coded 503s while the database is away, then loses nothing that was answered 202", async () => {
    const answers = new Map<number, number>();
    let next = 0;
    let firing = true;
    // Bounded: at most 5,000 requests, and only while `firing`.
    const worker = async () => {
      while (firing && next < 5000) {
        const n = next++;
        const m = members[n % members.length]!;
        const res = await fetch(`${m.url}/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ n }) });
        await res.arrayBuffer();
        answers.set(n, res.status);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const load = Promise.all(Array.from({ length: 6 }, worker));
    await eventually("requests answered before the stop", async () => ([...answers.values()].filter((s) => s === 202).length >= 50 ? true : undefined), 20_000);

    pg("down");
    try {
      for (const m of members) {
        expect((await fetch(`${m.url}/ping`)).status).toBe(200);
        const admin = await fetch(`${m.url}/__mockforge/deliveries`);
        expect(admin.status).toBe(503);
        expect(((await admin.json()) as { error: { code: string } }).error.code).toBe("MFG_ERR_STORAGE_UNAVAILABLE");
      }
      await eventually("a request refused while the database is away", async () => ([...answers.values()].includes(503) ? true : undefined), 10_000);
    } finally {
      pg("up");
    }

    // The members reconnect by themselves: their admin API answers again and requests are taken.
    for (const m of members) await eventually(`admin API of ${m.url} back`, async () => ((await fetch(`${m.url}/__mockforge/deliveries`)).status === 200 ? true : undefined), 30_000, 200);
    const resumedFrom = next;
    await eventually("requests accepted after the restart", async () => ([...answers].filter(([n, s]) => n > resumedFrom && s === 202).length >= 30 ? true : undefined), 30_000);
    firing = false;
    await load;

    const statuses = new Set(answers.values());
    expect([...statuses].filter((s) => s !== 202 && s !== 503)).toEqual([]);
    const accepted = [...answers].filter(([, s]) => s === 202).map(([n]) => n);
    const refused = [...answers].filter(([, s]) => s === 503).map(([n]) => n);
    await eventually(
      "a webhook for every request answered 202",
      async () => {
        const got = new Set(arrived.map((a) => a.n));
        return accepted.every((n) => got.has(n)) ? true : undefined;
      },
      45_000,
      200,
    );
    // A refused request sent nothing (its client is told to retry).
    const got = new Set(arrived.map((a) => a.n));
    expect(refused.filter((n) => got.has(n))).toEqual([]);
    // One webhook-id per accepted request; repeats (at least once) only re-send the same id.
    const idsPerN = new Map<number, Set<string>>();
    for (const a of arrived) idsPerN.set(a.n, (idsPerN.get(a.n) ?? new Set()).add(a.id));
    expect([...idsPerN.values()].filter((ids) => ids.size > 1)).toEqual([]);
    console.log(`PostgreSQL restart e2e: ${accepted.length} requests answered 202, ${refused.length} refused with 503 while the database was away; ${arrived.length} webhook arrivals, all ${accepted.length} accepted ones delivered`);
  }, 180_000);
});
