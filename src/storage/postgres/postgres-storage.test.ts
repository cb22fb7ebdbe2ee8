import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { isMockForgeError } from "../../core/errors.js";
import { describeStorageConformance } from "../conformance.js";
import type { Storage } from "../ports.js";
import { delivery, journalEntry } from "../test-support/storage-fixtures.js";
import { createPostgresStorage, redactPassword } from "./postgres-storage.js";

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

describe.skipIf(!url)("postgres", () => {
  afterAll(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
  });

  describeStorageConformance("postgres", () => open(), { reopen: (s) => open(prefixes.get(s)) });

  describe("postgres storage specifics", () => {
    it("several instances starting at once on a new prefix all open (one creates the tables)", async () => {
      const prefix = `t${++n}_`;
      const stores = await Promise.all([open(prefix), open(prefix), open(prefix)]);
      try {
        const d = delivery();
        await stores[0]!.deliveries.insert(d);
        expect((await stores[2]!.deliveries.get(d.id))!.id).toBe(d.id);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
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
