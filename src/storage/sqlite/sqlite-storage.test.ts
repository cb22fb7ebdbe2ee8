import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.js";
import { mockForgeErrorOf } from "../../core/test-support/thrown.js";
import { describeStorageConformance } from "../conformance.js";
import type { Storage } from "../ports.js";
import { T0, delivery, journalEntry } from "../test-support/storage-fixtures.js";
import { checkTwinAttemptsUpgrade } from "../test-support/upgrade-checks.js";
import { createSqliteStorage } from "./sqlite-storage.js";
import { SqliteDatabase } from "./sqlite-database.js";
import { SQLITE_SCHEMA_VERSION } from "./sqlite-schema.js";

const dir = mkdtempSync(join(tmpdir(), "mockforge-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const freshPath = () => join(dir, `nested-${++n}`, "state.db");
const pathOf = (s: Storage) => s.description.slice("sqlite:".length);

/** The reader's journal count once it reaches `n`, or after 5 s (real time: the writer commits in its worker thread). */
async function countEventually(reader: Storage, n: number): Promise<number> {
  const until = Date.now() + 5000;
  let count = await reader.journal.count();
  while (count < n && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 10));
    count = await reader.journal.count();
  }
  return count;
}

describeStorageConformance("sqlite", async () => createSqliteStorage(freshPath()), {
  reopen: async (s) => createSqliteStorage(pathOf(s)),
});

describe("sqlite storage specifics", () => {
  it("creates the parent folder, uses WAL + NORMAL and records the schema version", async () => {
    const path = freshPath();
    await createSqliteStorage(path).close();
    const db = new SqliteDatabase(path, 1000);
    try {
      expect(db.pragma("journal_mode")).toBe("wal");
      expect(db.pragma("synchronous")).toBe(1);
      expect(db.get("SELECT MAX(version) AS v FROM schema_version")!.v).toBe(SQLITE_SCHEMA_VERSION);
    } finally {
      db.close();
    }
  });

  it("flushes buffered journal entries on the injected clock's timer", async () => {
    const clock = new ManualClock(T0);
    const path = freshPath();
    const writer = createSqliteStorage(path, { clock, journalFlushMs: 20, journalBatchSize: 1000 });
    const reader = createSqliteStorage(path);
    try {
      await writer.journal.append(journalEntry());
      expect(await reader.journal.count()).toBe(0);
      await clock.advance(19);
      expect(await reader.journal.count()).toBe(0);
      await clock.advance(1);
      // The write is now posted to the writer's journal worker; another connection sees it once committed.
      expect(await countEventually(reader, 1)).toBe(1);
    } finally {
      await reader.close();
      await writer.close();
    }
  });

  it("writes a full batch at once, without waiting for the timer", async () => {
    const clock = new ManualClock(T0);
    const path = freshPath();
    const writer = createSqliteStorage(path, { clock, journalBatchSize: 5 });
    const reader = createSqliteStorage(path);
    try {
      for (let i = 0; i < 5; i++) await writer.journal.append(journalEntry());
      expect(await countEventually(reader, 5)).toBe(5);
    } finally {
      await reader.close();
      await writer.close();
    }
  });

  it("checkpoints the state file's WAL from the journal worker, not on the main thread", async () => {
    const path = freshPath();
    const storage = createSqliteStorage(path);
    try {
      await storage.journal.append(journalEntry());
      await storage.journal.count(); // the worker is running
      const before = statSync(path).size;
      for (let i = 0; i < 50; i++) await storage.deliveries.insert(delivery({ request: { method: "POST", url: "http://127.0.0.1:9/x", headers: {}, body: "x".repeat(4000) } }));
      // The main connection's own threshold is 16,000 pages: only the worker copies these into the file.
      const until = Date.now() + 5000;
      while (statSync(path).size <= before + 100_000 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(statSync(path).size).toBeGreaterThan(before + 100_000);
    } finally {
      await storage.close();
    }
  });

  it("upgrades a version-3 file holding twin attempt numbers: renumbered in the order they ran, counted, then unique", async () => {
    const path = freshPath();
    await checkTwinAttemptsUpgrade(
      async () => createSqliteStorage(path),
      async (twinId) => {
        // What a kill -9 left in a file of schema 3: no constraint, and two attempts numbered 1.
        const db = new SqliteDatabase(path, 1000);
        db.exec("DROP INDEX attempts_delivery_number; CREATE INDEX attempts_delivery ON attempts (delivery_id, number)");
        db.run("DELETE FROM schema_version WHERE version = 4");
        db.run("UPDATE attempts SET number = 1 WHERE id = ?", [twinId]);
        db.close();
      },
    );
  });

  it("refuses a file written by a newer schema with a coded error", async () => {
    const path = freshPath();
    await createSqliteStorage(path).close();
    const db = new SqliteDatabase(path, 1000);
    db.run("INSERT INTO schema_version (version) VALUES (?)", [SQLITE_SCHEMA_VERSION + 1]);
    db.close();
    const err = mockForgeErrorOf(() => createSqliteStorage(path), "opening a newer file");
    expect(err.code).toBe("MFG_ERR_STORAGE");
    expect(err.message).toMatch(/schema version/);
  });
});
