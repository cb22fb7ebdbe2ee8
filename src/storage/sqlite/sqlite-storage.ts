import { systemClock, type Clock } from "../../core/clock.js";
import { silentLogger, type Logger } from "../../core/logger.js";
import type { Storage } from "../ports.js";
import { storageFailure } from "../storage-errors.js";
import { SqliteDatabase } from "./sqlite-database.js";
import { newInstanceId } from "../instance-id.js";
import { createSqliteDeliveries } from "./sqlite-deliveries.js";
import { journalPathFor } from "./journal-schema.js";
import { createSqliteJournal } from "./sqlite-journal.js";
import { createSqliteRuns } from "./sqlite-runs.js";
import { createMemoryMembers } from "../memory/memory-members.js";
import { migrateSqlite } from "./sqlite-schema.js";
import { acquireOwnerLock, type OwnerLock } from "./owner-lock.js";
import { prepareStateFileSpace } from "./state-file-space.js";

/** How often the journal worker checkpoints the state file. */
const CHECKPOINT_EVERY_MS = 200;
/** The main connection's own checkpoint threshold (pages of 4 KiB): far, a safety net only. */
const MAIN_AUTOCHECKPOINT_PAGES = 16_000;

/** Options of `createSqliteStorage`; all optional. */
export interface SqliteStorageOptions {
  /** Drives the journal's flush timer. Default: the system clock. */
  clock?: Clock;
  /** Where background journal write failures are reported. Default: silent. */
  logger?: Logger;
  /** Longest a journal entry waits in memory before it is written. Default 5 ms. */
  journalFlushMs?: number;
  /**
   * Buffered journal entries that trigger an immediate write. Default 250.
   *
   * Larger batches cost the worker less per entry (its cost is partly per transaction: 1000
   * entries in 20 ms took about a quarter less worker CPU than 250 in 5 ms), but every buffered
   * entry is alive on the main thread's heap until its batch is sent. So V8 copies the
   * buffered entries at each young-generation collection, and grows the young generation: that
   * costs the main thread more than the worker saves. Measured on the bench's routes, both
   * settings against bare node:http in the same runs: with 250 and 5 ms, throughput was about
   * 5 % higher on the static route in four runs of five (0.85 → 0.90), and 0.72 → 0.80 on the
   * echo route. Batches of 100 and 2 ms were no better than 1000 and 20 ms.
   */
  journalBatchSize?: number;
  /** How long a statement waits for another process's lock before failing. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** This process's id in the store (see `Storage.instanceId`). Default: a fresh one. */
  instanceId?: string;
  /**
   * Take the file's single-owner lock (`<path>.lock`): a server or a run that sends deliveries
   * does; a CLI command that only reads does not. See `acquireOwnerLock`.
   */
  owner?: boolean;
}

/**
 * The embedded default store: SQLite (libsql) in WAL mode, so the CLI can read the state
 * file of a running server from another process. Deliveries and runs are in `path`; the
 * journal is in `state.journal.db` beside it (see `journalPathFor`), written by a worker
 * thread. Creates the parent folder and the schemas if needed.
 *
 * @example
 * const storage = createSqliteStorage(".mockforge/state.db", { clock });
 * await storage.deliveries.insert(record); // committed when this resolves
 * await storage.close(); // flushes the journal buffer
 */
export function createSqliteStorage(path: string, opts: SqliteStorageOptions = {}): Storage {
  const db = new SqliteDatabase(path, opts.busyTimeoutMs ?? 5000);
  const instanceId = opts.instanceId ?? newInstanceId();
  let lock: OwnerLock | null = null;
  try {
    if (opts.owner && path !== ":memory:") lock = acquireOwnerLock(path, opts.logger ?? silentLogger, () => (opts.clock ?? systemClock).now());
    if (path !== ":memory:") prepareStateFileSpace(db, { owner: opts.owner === true, logger: opts.logger ?? silentLogger });
    migrateSqlite(db);
  } catch (e) {
    lock?.release();
    db.close();
    throw storageFailure("sqlite", `prepare the schema of '${path}'`, e, "Use a file that MockForge created, or a new path.");
  }
  let journal: ReturnType<typeof createSqliteJournal>;
  try {
    // Checkpoints of the state file's WAL run in the journal worker (a checkpoint copies
    // megabytes and syncs the disk: 5-15 ms that would stall every request). The main
    // connection keeps a far threshold of its own, for when no worker runs (CLI commands).
    if (path !== ":memory:") db.exec(`PRAGMA wal_autocheckpoint = ${MAIN_AUTOCHECKPOINT_PAGES}`);
    journal = createSqliteJournal(journalPathFor(path), {
      clock: opts.clock ?? systemClock,
      logger: opts.logger ?? silentLogger,
      flushMs: opts.journalFlushMs ?? 5,
      batchSize: opts.journalBatchSize ?? 250,
      busyTimeoutMs: opts.busyTimeoutMs ?? 5000,
      checkpoint: path === ":memory:" ? undefined : { path, everyMs: CHECKPOINT_EVERY_MS },
    });
  } catch (e) {
    lock?.release();
    db.close();
    throw e;
  }
  let closed = false;
  return {
    description: `sqlite:${path}`,
    shared: false,
    instanceId,
    journal,
    deliveries: createSqliteDeliveries(db),
    runs: createSqliteRuns(db, instanceId),
    members: createMemoryMembers(),
    signals: null,
    sharedState: null,
    traceCounts: null,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await journal.close();
      } finally {
        db.close();
        lock?.release();
      }
    },
  };
}
