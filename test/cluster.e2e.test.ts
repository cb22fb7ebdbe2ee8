/**
 * A MockForge cluster on PostgreSQL (issue 19), with real processes and sockets: three members
 * on one database and a receiver that does not answer; a batch of webhooks queued over the
 * three; `kill -9` of one; the receiver answers: every webhook-id arrives, duplicates only for
 * attempts the killed member had in flight, its rows re-sent only after its lease ran out, and
 * a member starting meanwhile re-sends nothing. Then run-time state: a route added on one
 * member answers on the others within 1 s, a fault turned on through one applies on all.
 *
 * Scaled down from the 2,000 webhooks to 300 so it runs in well under a minute on a
 * shared 2-core CI machine; the bench's `cluster` section runs the larger figure.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, eventually, fire, startMember, stopCluster, writeOrdersConfig, type Member, type TestDatabase } from "./support/cluster.js";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const baseUrl = process.env.MOCKFORGE_TEST_POSTGRES_URL;
if (!baseUrl) {
  console.warn('SKIPPED cluster e2e: MOCKFORGE_TEST_POSTGRES_URL not set (run: eval "$(bash scripts/ci-postgres.sh)")');
}

const WEBHOOKS = 300;
// Long enough that a live member renews in time on a loaded 2-core CI machine: a lease that runs out
// under a member still sending lets another re-send it (at least once), a duplicate this test forbids.
const LEASE_MS = 3000;
const dir = mkdtempSync(join(tmpdir(), "mockforge-cluster-"));
const members: Member[] = [];
let db: TestDatabase | undefined;

/**
 * The webhook receiver: holds every request unanswered until `answerAll()`, then answers each
 * (held ones first) with 204. Only an answer written to a live connection counts as delivered:
 * a request whose sender died or gave up is not (its sender will send it again).
 */
function heldReceiver() {
  const arrivals: { id: string; at: number }[] = [];
  const delivered: { id: string; at: number }[] = [];
  let held: { id: string; res: ServerResponse }[] = [];
  let answering = false;
  const answer = (id: string, res: ServerResponse) => {
    if (res.socket === null || res.socket.destroyed) return;
    res.writeHead(204).end();
    delivered.push({ id, at: Date.now() });
  };
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const id = String(req.headers["webhook-id"]);
      arrivals.push({ id, at: Date.now() });
      if (answering) answer(id, res);
      else held.push({ id, res });
    });
  });
  return {
    arrivals,
    delivered,
    server,
    answerAll() {
      answering = true;
      for (const h of held) answer(h.id, h.res);
      held = [];
    },
  };
}
const receiver = heldReceiver();

describe.skipIf(!baseUrl)("cluster on PostgreSQL (3 members, real processes)", () => {
  let config = "";
  const answered = receiver.delivered;

  beforeAll(async () => {
    db = await createTestDatabase(baseUrl!);
    // Not answering at first: attempts stay in flight, so each member holds leases.
    await new Promise<void>((r) => receiver.server.listen(0, "127.0.0.1", () => r()));
    const port = (receiver.server.address() as AddressInfo).port;
    config = writeOrdersConfig(dir, `http://127.0.0.1:${port}/hook`, {
      lease_ms: LEASE_MS,
      concurrency: 16,
      timeout_ms: 30_000,
      retry: { max_attempts: 100, initial_delay_ms: 200, max_delay_seconds: 0.5 },
    });
    members.push(...(await Promise.all([0, 1, 2].map(() => startMember(config, db!.url)))));
  }, 120_000);

  afterAll(async () => {
    await stopCluster(members, receiver.server);
    await db?.drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("kill -9 of a member loses nothing: every webhook-id arrives, its rows re-sent only after its lease ran out", async () => {
    const [a, b, c] = members as [Member, Member, Member];
    const status = (await (await fetch(`${a.url}/__mockforge/cluster`)).json()) as { members: { id: string; alive: boolean }[] };
    expect(status.members.filter((m) => m.alive).map((m) => m.id).sort()).toEqual([a.id, b.id, c.id].sort());

    const statuses = await fire([a.url, b.url, c.url], "/orders", WEBHOOKS);
    expect(statuses.every((s) => s === 202)).toBe(true);
    await eventually("every webhook stored", async () => ((await db!.query("SELECT COUNT(*)::int AS n FROM mockforge_deliveries"))[0]!.n === WEBHOOKS ? true : undefined), 20_000);
    // Wait until the killed member holds leases, so the test shows what happens to them.
    await eventually("b holding leases", async () => (Number((await db!.query("SELECT COUNT(*)::int AS n FROM mockforge_deliveries WHERE status = 'in_flight' AND lease_owner = $1", [b.id]))[0]!.n) > 0 ? true : undefined), 20_000, 20);

    const exited = new Promise((r) => b.proc.once("exit", r));
    b.proc.kill("SIGKILL");
    const killedAt = Date.now();
    // Answer only once the process is gone and its sockets closed: a 204 written before this
    // process sees the reset would count a dead member's attempt as delivered.
    await exited;
    await new Promise((r) => setTimeout(r, 200));
    const held = await db!.query("SELECT webhook_id, lease_until FROM mockforge_deliveries WHERE status = 'in_flight' AND lease_owner = $1", [b.id]);
    const heldUntil = new Map(held.map((r) => [String(r.webhook_id), Number(r.lease_until)]));
    expect(heldUntil.size).toBeGreaterThan(0);
    receiver.answerAll();
    // A member starting while the others send: it must take over nothing that is still leased.
    members.push(await startMember(config, db!.url));

    const all = await db!.query("SELECT webhook_id FROM mockforge_deliveries");
    const expected = new Set(all.map((r) => String(r.webhook_id)));
    await eventually("every webhook-id answered", async () => (new Set(answered.map((x) => x.id)).size >= WEBHOOKS ? true : undefined), 45_000, 100);

    const seen = new Set(answered.map((x) => x.id));
    expect([...expected].filter((id) => !seen.has(id))).toEqual([]);
    const counts = new Map<string, number>();
    for (const x of answered) counts.set(x.id, (counts.get(x.id) ?? 0) + 1);
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    // Duplicates only for attempts the killed member had in flight, and no more of them.
    expect(duplicated.filter((id) => !heldUntil.has(id))).toEqual([]);
    expect(answered.length - seen.size).toBeLessThanOrEqual(heldUntil.size);

    // Its rows: no other member started an attempt before its lease ran out. (Attempts are read
    // from the store: an arrival at the receiver after the kill may still be the killed member's
    // own last request, read late by this busy test process.)
    // Its rows are re-sent once their lease runs out, which may be after every id was seen once.
    const resent = await eventually(
      "the killed member's rows re-sent",
      async () => {
        const rows = await db!.query(
          `SELECT d.webhook_id, MIN(a.started_at) AS first FROM mockforge_attempts a JOIN mockforge_deliveries d ON d.id = a.delivery_id
           WHERE d.webhook_id = ANY($1::text[]) AND a.started_at > $2 GROUP BY d.webhook_id`,
          [[...heldUntil.keys()], killedAt],
        );
        return rows.length === heldUntil.size ? rows : undefined;
      },
      30_000,
      100,
    );
    for (const r of resent) expect(Number(r.first)).toBeGreaterThanOrEqual(heldUntil.get(String(r.webhook_id))!);
    const failoverMs = Math.min(...resent.map((r) => Number(r.first))) - killedAt;
    console.log(`cluster e2e: ${WEBHOOKS} webhooks, ${heldUntil.size} leased by the killed member, ${answered.length - seen.size} duplicates, failover (kill -9 → first re-send) ${Math.round(failoverMs)} ms with lease ${LEASE_MS} ms`);
    // Not bounded here: with every slot busy, re-queued rows wait their turn behind the backlog.
    // The bench's cluster section measures failover with free slots against the lease + 1 s target.

    const after = (await (await fetch(`${a.url}/__mockforge/cluster`)).json()) as { members: { id: string; alive: boolean }[] };
    expect(after.members.find((m) => m.id === b.id)!.alive).toBe(false);
  }, 150_000);

  it("a route added on one member answers on the others within 1 s; a fault turned on through one applies on all", async () => {
    const live = members.filter((m) => m.proc.exitCode === null && m.proc.signalCode === null);
    const [a, ...others] = live as [Member, ...Member[]];
    const added = await fetch(`${a.url}/__mockforge/routes`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id: "fresh", method: "GET", path: "/fresh", response: { status: 200, body: "new" } }),
    });
    expect(`${added.status} ${added.status === 201 ? "" : await added.text()}`).toBe("201 ");
    const t0 = Date.now();
    for (const m of others) await eventually(`/fresh on ${m.url}`, async () => ((await fetch(`${m.url}/fresh`)).status === 200 ? true : undefined), 1000, 10);
    const routeMs = Date.now() - t0;

    const fault = await fetch(`${a.url}/__mockforge/routes/ping`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ method: "GET", path: "/ping", response: { status: 200, body: "pong" }, chaos_config: { errors: { status_codes: [503], probability: 1 } } }),
    });
    expect(fault.status).toBe(200);
    const t1 = Date.now();
    for (const m of live) await eventually(`fault on ${m.url}`, async () => ((await fetch(`${m.url}/ping`)).status === 503 ? true : undefined), 1000, 10);
    console.log(`cluster e2e: route visible on every member after ${routeMs} ms, fault after ${Date.now() - t1} ms`);

    // Two members replacing the same route at once: one wins, the other gets 409 or applies on top; all end up equal.
    const put = (m: Member, body: string) =>
      fetch(`${m.url}/__mockforge/routes/fresh`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ method: "GET", path: "/fresh", response: { status: 200, body } }) });
    const race = await Promise.all([put(a, "from-a"), put(others[0]!, "from-b")]);
    expect(race.map((r) => r.status).sort()).toContainEqual(200);
    for (const r of race) if (r.status !== 200) expect(((await r.json()) as { error: { code: string } }).error.code).toBe("MFG_ERR_STATE_CONFLICT");
    const bodies = await eventually(
      "one value everywhere",
      async () => {
        const seen = await Promise.all(live.map(async (m) => (await fetch(`${m.url}/fresh`)).text()));
        return new Set(seen).size === 1 ? seen : undefined;
      },
      2000,
    );
    expect(["from-a", "from-b"]).toContain(bodies[0]);
  }, 30_000);
});
