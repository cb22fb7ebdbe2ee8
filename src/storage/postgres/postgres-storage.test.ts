import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { isMockForgeError } from "../../core/errors.js";
import { describeStorageConformance } from "../conformance.js";
import type { Storage } from "../ports.js";
import { T0, delivery, journalEntry } from "../test-support/storage-fixtures.js";
import { checkTwinAttemptsUpgrade } from "../test-support/upgrade-checks.js";
import { createPostgresStorage, redactPassword } from "./postgres-storage.js";
import { TRACE_COUNT_KEEP_MS } from "./postgres-trace-counts.js";

/** Polls `check` (every 20 ms, at most 5 s) until it holds. */
async function eventuallyTrue(check: () => Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + 5000; !(await check()); ) {
    if (Date.now() > deadline) throw new Error("condition not met within 5 s");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const url = process.env.MOCKFORGE_TEST_POSTGRES_URL;
if (!url) {
  console.warn(
    "SKIPPED postgres storage conformance: MOCKFORGE_TEST_POSTGRES_URL not set (run: eval \"$(bash scripts/ci-postgres.sh)\")",
  );
}

// One schema per test run (dropped at the end) and one table prefix per test, so runs and tests never collide.
const schema = `mockforge_test_${process.pid}_${randomBytes(4).toString("hex")}`;
const prefixes = new WeakMap<Storage, string>();
let n = 0;

async function open(prefix = `t${++n}_`): Promise<Storage> {
  const s = await createPostgresStorage(url!, { schema, tablePrefix: prefix });
  prefixes.set(s, prefix);
  return s;
}

/** Runs `fn` with a plain client on the test database, ended after. */
async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Runs `fn` with `count` handles opened at once on one fresh prefix (as members starting together), all closed after. */
async function withHandles(count: number, fn: (handles: [Storage, Storage, ...Storage[]], prefix: string) => Promise<void>): Promise<void> {
  const prefix = `t${++n}_`;
  const handles = await Promise.all(Array.from({ length: Math.max(2, count) }, () => open(prefix)));
  try {
    await fn(handles as [Storage, Storage, ...Storage[]], prefix);
  } finally {
    await Promise.all(handles.map((s) => s.close()));
  }
}

describe.skipIf(!url)("postgres", () => {
  afterAll(() => withClient((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)));

  describeStorageConformance("postgres", () => open(), { reopen: (s) => open(prefixes.get(s)) });

  describe("postgres storage specifics", () => {
    it("several instances starting at once on a new prefix all open (one creates the tables)", async () => {
      await withHandles(3, async (stores) => {
        const d = delivery();
        await stores[0]!.deliveries.insert(d);
        expect((await stores[2]!.deliveries.get(d.id))!.id).toBe(d.id);
      });
    });

    it("stores NUL in text columns as U+FFFD instead of failing the journal batch", async () => {
      const s = await open();
      try {
        const e = journalEntry({ path: "/a\u0000b", url: "/a%00b", rawBody: "raw \u0000 kept", body: { x: "\u0000" } });
        await s.journal.append(e);
        expect(await s.journal.get(e.id)).toEqual({ ...e, path: "/a\uFFFDb" });
        expect(await s.journal.list({ path: "/a\u0000b" })).toHaveLength(1);
        const d = delivery({ request: { ...delivery().request, url: "http://127.0.0.1:1/\u0000" }, lastError: "nul \u0000 kept" });
        await s.deliveries.insert(d);
        expect((await s.deliveries.get(d.id))!.lastError).toBe("nul \u0000 kept");
        expect(await s.deliveries.list({ url: "/\u0000" })).toHaveLength(1);
      } finally {
        await s.close();
      }
    });

    it("stores a lone surrogate in text columns as U+FFFD instead of failing the journal batch (rows travel as JSON)", async () => {
      const s = await open();
      try {
        const entries = [journalEntry({ path: "/a\uD800b", routeId: "r\uDC00" }), journalEntry({ path: "/ok 🎉" })];
        for (const e of entries) s.journal.append(e);
        expect(await s.journal.get(entries[0]!.id)).toEqual({ ...entries[0], path: "/a\uFFFDb", routeId: "r\uFFFD" });
        expect((await s.journal.get(entries[1]!.id))!.path).toBe("/ok 🎉");
      } finally {
        await s.close();
      }
    });

    it("signals 'due' to every handle when a delivery becomes pending (LISTEN/NOTIFY), not when one is claimed in flight", async () => {
      await withHandles(2, async ([a, b], prefix) => {
      const heard: string[] = [];
      let got!: () => void;
      const first = new Promise<void>((r) => (got = r));
      await b.signals!.listen("due", (p) => {
        heard.push(p);
        got();
      });
      await a.deliveries.insert(delivery({ status: "in_flight", nextAttemptAt: null, leaseOwner: a.instanceId, leaseUntil: 1 }));
      const due = delivery({ nextAttemptAt: 1_700_000_000_123 });
      await a.deliveries.insert(due);
      await first;
      expect(heard).toEqual(["1700000000123"]);
      });
    });

    it("shared state: a write on a stale version is refused (null), changes come back in one global order", async () => {
      await withHandles(2, async ([a, b], prefix) => {
      const change = (origin: string, body: unknown) => ({ kind: "route", key: "r1", body, origin, at: 1 });
      const one = await a.sharedState!.write(change(a.instanceId, { v: 1 }), 0);
      expect(one).toMatchObject({ version: 1, body: { v: 1 } });
      // b has not seen version 1: its change is a conflict.
      expect(await b.sharedState!.write(change(b.instanceId, { v: "b" }), 0)).toBeNull();
      const two = await b.sharedState!.write(change(b.instanceId, { v: 2 }), 1);
      expect(two).toMatchObject({ version: 2, origin: b.instanceId });
      await b.sharedState!.write({ kind: "chain", key: "c1", body: null, origin: b.instanceId, at: 2 }, 0);
      const all = await a.sharedState!.since(0);
      expect(all.map((c) => [c.kind, c.key, c.version, c.body])).toEqual([
        ["route", "r1", 2, { v: 2 }],
        ["chain", "c1", 1, null],
      ]);
      expect(all[0]!.seq).toBeLessThan(all[1]!.seq);
      expect(await a.sharedState!.since(all[1]!.seq)).toEqual([]);
      });
    });

    it("upgrades schema-3 tables holding twin attempt numbers: renumbered in the order they ran, counted, then unique", async () => {
      const prefix = `t${++n}_`;
      await checkTwinAttemptsUpgrade(
        () => open(prefix),
        async (twinId) => {
          // What a kill -9 left in schema 3: no constraint, and two attempts numbered 1.
          await withClient(async (client) => {
            await client.query(`DROP INDEX "${schema}".${prefix}attempts_delivery_number`);
            await client.query(`CREATE INDEX ${prefix}attempts_delivery ON "${schema}"."${prefix}attempts" (delivery_id, number)`);
            await client.query(`DELETE FROM "${schema}"."${prefix}schema_version" WHERE version >= 4`);
            await client.query(`UPDATE "${schema}"."${prefix}attempts" SET number = 1 WHERE id = $1`, [twinId]);
          });
        },
      );
    });

    it("counts a trace's calls atomically across handles (the fan-out budget) and forgets traces idle for long", async () => {
      await withHandles(2, async ([a, b], prefix) => {
      const counts = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).traceCounts!.add("trc_x", T0)));
      expect(counts.sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(await a.traceCounts!.add("trc_y", T0)).toBe(1);
      // A handle that counts again long after prunes what is older than the keep time (in the background).
      const c = await open(prefix);
      try {
        await c.traceCounts!.add("trc_z", T0 + TRACE_COUNT_KEEP_MS + 1);
        await withClient(async (client) => {
          const left = async () => (await client.query(`SELECT trace_id FROM "${schema}"."${prefix}trace_counts" ORDER BY trace_id`)).rows.map((r) => r.trace_id);
          await eventuallyTrue(async () => (await left()).length === 1);
          expect(await left()).toEqual(["trc_z"]);
        });
        expect(await c.traceCounts!.add("trc_x", T0 + TRACE_COUNT_KEEP_MS + 2)).toBe(1);
      } finally {
        await c.close();
      }
      });
    });

    it("answers MFG_ERR_STORAGE_UNAVAILABLE (503) when the database cannot be reached", async () => {
      const s = await open();
      const u = new URL(url!);
      await s.close();
      u.port = "1";
      const err = await createPostgresStorage(u.toString(), { schema, tablePrefix: "x_" }).catch((e: unknown) => e);
      expect(isMockForgeError(err, "MFG_ERR_STORAGE_UNAVAILABLE")).toBe(true);
      expect((err as { status: number }).status).toBe(503);
    });

    it("rejects a table prefix that is not a plain identifier", async () => {
      const err = await createPostgresStorage(url!, { tablePrefix: 'x"; DROP TABLE y; --' }).catch((e: unknown) => e);
      expect(isMockForgeError(err, "MFG_ERR_STORAGE_UNSUPPORTED")).toBe(true);
    });
  });
});

describe("postgres description", () => {
  it("never shows the password", () => {
    expect(redactPassword("postgres://mf:s3cret@db:5432/x")).toBe("postgres://mf:***@db:5432/x");
    expect(redactPassword("postgres://mf@db/x")).toBe("postgres://mf@db/x");
  });
});
