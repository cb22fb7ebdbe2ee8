import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { isMockForgeError } from "../../core/errors.js";
import { silentLogger } from "../../core/logger.js";
import type { DeliveryStore } from "../ports.js";
import { AWKWARD_JSON, T0, attempt, delivery } from "../test-support/storage-fixtures.js";
import { PgDatabase, pgTables } from "./postgres-database.js";
import { createPostgresDeliveries } from "./postgres-deliveries.js";
import { batchSql, PgOutboxBatcher } from "./postgres-outbox-batch.js";
import { migratePostgres } from "./postgres-schema.js";

const url = process.env.MOCKFORGE_TEST_POSTGRES_URL;
const schema = `mockforge_batch_${process.pid}_${randomBytes(4).toString("hex")}`;
const outcome = (status: "succeeded" | "pending", n: number) => ({ status, attemptCount: n, nextAttemptAt: status === "pending" ? T0 + n : null, lastStatus: 200 + n, lastError: null, leaseOwner: null, leaseUntil: null, updatedAt: T0 + n });

/**
 * The outbox's group commit on postgres: writes issued together go out as one statement, and
 * a write that fails on its data fails alone, with the error its single statement gives.
 */
describe.skipIf(!url)("postgres outbox batches", () => {
  let db: PgDatabase;
  let store: DeliveryStore;
  let statements: ReturnType<typeof vi.spyOn>;

  beforeAll(async () => {
    db = new PgDatabase(url!, 5, silentLogger);
    const t = pgTables(schema, "b_");
    await migratePostgres(db, t);
    store = createPostgresDeliveries(db, t);
    statements = vi.spyOn(db, "query");
  });
  afterAll(async () => {
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db?.close();
  });

  it("writes a burst of deliveries, attempts and outcomes in one statement, each as the single statements would", async () => {
    const stored = Array.from({ length: 3 }, (_, i) => delivery({ status: "in_flight", request: { method: "POST", url: `http://127.0.0.1:1/${i}\u0000`, headers: {}, body: JSON.stringify(AWKWARD_JSON) } }));
    await Promise.all(stored.map((d) => store.insert(d)));
    const fresh = Array.from({ length: 20 }, () => delivery({ options: AWKWARD_JSON, lastError: "nul \u0000 kept", sourceId: "a\u0000b" }));
    statements.mockClear();
    await Promise.all([
      ...fresh.map((d) => store.insert(d)),
      ...stored.map((d, i) => store.addAttempt(attempt(d.id, { number: 1, retryable: i === 0, nextDelayMs: i === 0 ? 1000 : null }))),
      ...stored.map((d, i) => store.update(d.id, outcome(i === 0 ? "pending" : "succeeded", i + 1))),
    ]);
    expect(statements.mock.calls).toHaveLength(1);
    for (const d of fresh) expect(await store.get(d.id)).toEqual({ ...d, sourceId: "a\uFFFDb" });
    expect(await store.list({ url: "/1\u0000" })).toHaveLength(1);
    for (const [i, d] of stored.entries()) {
      expect(await store.get(d.id)).toEqual({ ...d, ...outcome(i === 0 ? "pending" : "succeeded", i + 1) });
      const [a] = await store.attempts(d.id);
      expect(a).toMatchObject({ deliveryId: d.id, number: 1, retryable: i === 0, nextDelayMs: i === 0 ? 1000 : null, response: attempt(d.id).response });
    }
  });

  it("lets an attempt and an outcome wait a moment for a new delivery's write, and sends the three in one statement", async () => {
    const d = delivery({ status: "in_flight" });
    await store.insert(d);
    statements.mockClear();
    const recorded = [store.addAttempt(attempt(d.id, { number: 1 })), store.update(d.id, outcome("succeeded", 1))];
    // A loop turn later (the batch would have gone by now if they did not wait), a request's webhook row.
    await new Promise((r) => setImmediate(r));
    const fresh = delivery();
    await Promise.all([...recorded, store.insert(fresh)]);
    expect(statements.mock.calls).toHaveLength(1);
    expect((await store.get(d.id))!.status).toBe("succeeded");
    expect(await store.attempts(d.id)).toHaveLength(1);
    expect((await store.get(fresh.id))!.id).toBe(fresh.id);
  });

  it("rejects only the write whose data fails (a duplicate delivery id, an attempt number taken); the others are stored", async () => {
    const existing = delivery();
    await store.insert(existing);
    await store.addAttempt(attempt(existing.id, { number: 1 }));
    const others = Array.from({ length: 5 }, () => delivery());
    const results = await Promise.allSettled([
      ...others.map((d) => store.insert(d)),
      store.insert(delivery({ id: existing.id })),
      store.addAttempt(attempt(existing.id, { number: 1 })),
      store.addAttempt(attempt(existing.id, { number: 2 })),
    ]);
    expect(results.slice(0, 5).every((r) => r.status === "fulfilled")).toBe(true);
    const dup = results[5] as PromiseRejectedResult;
    expect(isMockForgeError(dup.reason, "MFG_ERR_STORAGE") && /already exists/.test((dup.reason as Error).message)).toBe(true);
    expect(isMockForgeError((results[6] as PromiseRejectedResult).reason, "MFG_ERR_ATTEMPT_EXISTS")).toBe(true);
    expect(results[7]!.status).toBe("fulfilled");
    for (const d of others) expect((await store.get(d.id))!.id).toBe(d.id);
    expect((await store.attempts(existing.id)).map((a) => a.number)).toEqual([1, 2]);
  });

  it("writes a patch that is not an attempt's outcome on its own, changing only its fields", async () => {
    const d = delivery();
    await store.insert(d);
    await Promise.all([store.update(d.id, { status: "failed", lastError: "stopped" }), store.insert(delivery())]);
    expect(await store.get(d.id)).toEqual({ ...d, status: "failed", lastError: "stopped" });
  });

  it("finds a batch's outcome rows through the id index, not a scan of every delivery stored", async () => {
    // Thousands of stored deliveries: the usual state of a server that kept its retention's worth.
    const t = pgTables(schema, "b_");
    await db.query(`INSERT INTO ${t.deliveries} (id, webhook_id, mode, source_kind, status, request, url, options, attempt_count, created_at, updated_at, last_error)
      SELECT 'dlv_bulk_' || i, 'msg_' || i, 'async', 'route', 'succeeded', '{}', 'http://x', '{}', 1, i, i, '' FROM generate_series(1, 5000) AS i`);
    await db.query(`ANALYZE ${t.deliveries}`);
    const client = await db.pool.connect();
    try {
      await client.query(`PREPARE outbox_plan(json, json, json) AS ${batchSql(t)}`);
      // Both plans a prepared statement can run: its first executions' and the generic one it settles on.
      for (const mode of ["force_custom_plan", "force_generic_plan"]) {
        await client.query(`SET plan_cache_mode = ${mode}`);
        const plan = (await client.query(`EXPLAIN EXECUTE outbox_plan('[]', '[]', '[{"id": "dlv_bulk_7", "status": "succeeded"}]')`)).rows.map((r) => String(r["QUERY PLAN"])).join("\n");
        expect(plan, mode).toMatch(/Index (Only )?Scan (using|on) b_deliveries_id_key/);
        expect(plan, mode).not.toMatch(/Seq Scan on b_deliveries/);
      }
    } finally {
      await client.query("DEALLOCATE ALL; RESET plan_cache_mode").catch(() => undefined);
      client.release();
    }
  });

  it("rejects every write of a batch when the database is away, without retrying them one by one", async () => {
    const u = new URL(url!);
    u.port = "1";
    const away = new PgDatabase(u.toString(), 2, silentLogger);
    const single = { insert: vi.fn(), addAttempt: vi.fn(), update: vi.fn() };
    const batcher = new PgOutboxBatcher(away, pgTables(schema, "b_"), { boolAsInt: false, replaceNul: true }, single);
    try {
      const results = await Promise.allSettled([batcher.insert(delivery()), batcher.insert(delivery()), batcher.addAttempt(attempt("dlv_x"))]);
      expect(results.every((r) => r.status === "rejected" && isMockForgeError(r.reason, "MFG_ERR_STORAGE_UNAVAILABLE"))).toBe(true);
      expect(single.insert).not.toHaveBeenCalled();
    } finally {
      await away.close();
    }
  });
});

if (!url) console.warn('SKIPPED postgres outbox batches: MOCKFORGE_TEST_POSTGRES_URL not set (run: eval "$(bash scripts/ci-postgres.sh)")');
