/**
 * The state file's size follows what it holds (issue 15 item 6): after a load test it was
 * 194 MB plus a 67 MB WAL for 10.6k retained rows, because pruned pages were never given back
 * and a checkpointed WAL kept its largest size.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryLogger } from "../../core/logger.js";
import type { Storage } from "../ports.js";
import { attempt, delivery, journalEntry } from "../test-support/storage-fixtures.js";
import { SqliteDatabase } from "./sqlite-database.js";
import { createSqliteStorage } from "./sqlite-storage.js";
import { FreePageReclaimer, WAL_SIZE_LIMIT_BYTES } from "./state-file-space.js";

const dir = mkdtempSync(join(tmpdir(), "mockforge-space-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `s${++n}`, "state.db");
const size = (p: string) => {
  try {
    return statSync(p).size;
  } catch {
    return 0;
  }
};
const BODY = "x".repeat(4000);

/**
 * The database's own size (pages × page size), as a second connection sees it: the WAL's
 * committed pages included. The file's size lags behind it until the journal worker's timer
 * checkpoints, so a fast loop could see the file still at 4 KB after several rounds.
 */
function logicalSize(p: string): number {
  const db = new SqliteDatabase(p, 5_000);
  try {
    return Number(db.pragma("page_count")) * Number(db.pragma("page_size"));
  } finally {
    db.close();
  }
}

/** `count` finished deliveries with one attempt each, about 9 KB apiece. */
async function finishedDeliveries(s: Storage, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const d = delivery({ status: "succeeded", nextAttemptAt: null, request: { method: "POST", url: "http://127.0.0.1:9/x", headers: {}, body: BODY } });
    await s.deliveries.insert(d);
    await s.deliveries.addAttempt(attempt(d.id, { response: { status: 200, headers: {}, body: BODY, truncated: false } }));
  }
}

/** Polls (real time: the journal worker checkpoints and reclaims on its own timer) until `ok`, or 20 s. */
async function eventually(ok: () => boolean): Promise<boolean> {
  const until = Date.now() + 20_000;
  while (!ok() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  return ok();
}

/**
 * `eventually`, with one more finished delivery every poll: SQLite resets (and so truncates) a
 * checkpointed WAL at the next write, so a WAL a burst grew shrinks with the traffic that
 * follows it, not in an idle file.
 */
async function eventuallyWhileWriting(s: Storage, ok: () => boolean): Promise<boolean> {
  const until = Date.now() + 20_000;
  while (!ok() && Date.now() < until) {
    await finishedDeliveries(s, 1);
    await new Promise((r) => setTimeout(r, 50));
  }
  return ok();
}

describe("state file space", () => {
  it("stays bounded over many deliveries with retention on, and a pruned backlog gives its space back", async () => {
    const path = freshPath();
    const s = createSqliteStorage(path, { owner: true });
    try {
      s.journal.append(journalEntry()); // the journal worker, which checkpoints and reclaims, is running
      await s.journal.count();
      const sizes: number[] = [];
      for (let round = 0; round < 12; round++) {
        await finishedDeliveries(s, 150);
        await s.deliveries.prune(100); // what retention does every keep/10 finished deliveries
        sizes.push(logicalSize(path));
      }
      // Pruned pages are reused: the database levels off instead of growing with every round.
      expect(sizes[11]!).toBeLessThanOrEqual(sizes[3]! * 1.5 + 1024 * 1024);
      expect(await eventuallyWhileWriting(s, () => size(`${path}-wal`) <= WAL_SIZE_LIMIT_BYTES)).toBe(true);

      // A backlog that piles up and is then pruned: its pages go back to the file system.
      await finishedDeliveries(s, 1500);
      const peak = logicalSize(path);
      expect(peak).toBeGreaterThan(12 * 1024 * 1024);
      await s.deliveries.prune(100);
      expect(await eventually(() => size(path) < peak / 3)).toBe(true);
      expect(await s.deliveries.count()).toBe(100);
    } finally {
      await s.close();
    }
  }, 60_000);

  it("its owner switches a state file written before this to incremental vacuum, once, keeping its data; a reader does not", async () => {
    const path = freshPath();
    const old = createSqliteStorage(path); // not the owner: the file stays as an older version wrote it
    const d = delivery();
    await old.deliveries.insert(d);
    await old.close();
    const mode = () => {
      const db = new SqliteDatabase(path, 1000);
      try {
        return db.pragma("auto_vacuum");
      } finally {
        db.close();
      }
    };
    expect(mode()).toBe(0);
    const logs = memoryLogger();
    const owner = createSqliteStorage(path, { owner: true, logger: logs });
    try {
      expect(await owner.deliveries.get(d.id)).toEqual(d);
    } finally {
      await owner.close();
    }
    expect(mode()).toBe(2);
    expect(logs.lines.some((l) => l.level === "info" && /incremental vacuum/.test(String(l.msg)))).toBe(true);
  });

  it("gives back free pages beyond the slack in steps sized by how long the last one took", async () => {
    const path = freshPath();
    await createSqliteStorage(path, { owner: true }).close();
    const db = new SqliteDatabase(path, 1000);
    try {
      db.exec("CREATE TABLE filler (x TEXT)");
      db.transaction(() => {
        for (let i = 0; i < 3000; i++) db.run("INSERT INTO filler VALUES (?)", [BODY]);
      });
      db.exec("DELETE FROM filler");
      const free = Number(db.pragma("freelist_count"));
      expect(free).toBeGreaterThan(2000);
      let t = 0;
      const fast = new FreePageReclaimer(() => (t += 1)); // every step "takes" 1 ms: the next one doubles
      expect([fast.run(db), fast.run(db), fast.run(db)]).toEqual([128, 256, 512]);
      const slow = new FreePageReclaimer(() => (t += 20)); // 20 ms: the next one halves
      expect([slow.run(db), slow.run(db)]).toEqual([128, 64]);
      while (fast.run(db) > 0);
      // What is left free is the slack kept for reuse.
      expect(Number(db.pragma("freelist_count"))).toBeLessThanOrEqual(Math.max(256, Number(db.pragma("page_count")) / 8));
    } finally {
      db.close();
    }
  });
});
