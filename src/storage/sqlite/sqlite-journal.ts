import type { Clock, TimerHandle } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import type { JournalEntry, JournalFilter, JournalStore } from "../ports.js";
import { listLimit, pruneKeep } from "../limits.js";
import { columnList, fromRow, toParams } from "../row-mapping.js";
import { SqlWhere, sqlitePlaceholder } from "../sql-where.js";
import { storageFailure } from "../storage-errors.js";
import { JOURNAL_COLUMNS } from "../tables.js";
import type { SqliteDatabase } from "./sqlite-database.js";

export interface JournalBuffering {
  clock: Clock;
  logger: Logger;
  /** Longest an appended entry waits before it is written. */
  flushMs: number;
  /** Buffered entries that trigger an immediate write. */
  batchSize: number;
}

const DIALECT = { boolAsInt: true };
const COLS = columnList(JOURNAL_COLUMNS);
const INSERT = `INSERT INTO journal (${COLS}) VALUES (${JOURNAL_COLUMNS.map(() => "?").join(", ")}) ON CONFLICT(id) DO NOTHING`;

/** A sqlite journal that also exposes `flush`, for close. */
export interface SqliteJournal extends JournalStore {
  flush(): void;
}

/**
 * The journal on sqlite. Appends are the hot path (one per served request), so they are
 * buffered and written in ONE transaction per batch; every read flushes first, so the
 * buffer is invisible to callers. A failed background write keeps the batch for the next
 * flush and is reported by the next read (and logged), never dropped silently.
 */
export function createSqliteJournal(db: SqliteDatabase, opts: JournalBuffering): SqliteJournal {
  let buffer: JournalEntry[] = [];
  let timer: TimerHandle | undefined;

  const write = (): void => {
    opts.clock.clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    try {
      db.transaction(() => {
        for (const e of batch) db.run(INSERT, toParams(e, JOURNAL_COLUMNS, DIALECT));
      });
    } catch (e) {
      // Keep the batch (in order, ahead of anything appended since) for the next try.
      buffer = batch.concat(buffer);
      throw e;
    }
  };

  const flushInBackground = (): void => {
    try {
      write();
    } catch (e) {
      opts.logger.error({ err: e, buffered: buffer.length }, "journal: writing buffered entries to sqlite failed; will retry");
      schedule();
    }
  };

  const schedule = (): void => {
    if (timer === undefined) timer = opts.clock.setTimeout(flushInBackground, opts.flushMs);
  };

  /** Flush before a read; a write failure surfaces here as a coded error. */
  const flush = (): void => {
    try {
      write();
    } catch (e) {
      throw storageFailure("sqlite", `write ${buffer.length} buffered journal entries`, e, "Check that the state file's disk is writable and not full.");
    }
  };

  return {
    flush,
    async append(entry) {
      // Copy now: the caller may mutate the object before the batch is written.
      buffer.push(structuredClone(entry));
      if (buffer.length >= opts.batchSize) flushInBackground();
      else schedule();
    },
    async list(filter: JournalFilter = {}) {
      flush();
      const where = new SqlWhere(sqlitePlaceholder)
        .when(filter.method, "method = {}")
        .when(filter.path, "path = {}")
        .when(filter.routeId, "route_id = {}")
        .when(filter.since, "time >= {}");
      const sql = `SELECT ${COLS} FROM journal ${where} ORDER BY time DESC, seq DESC LIMIT ${where.bind(listLimit(filter.limit))}`;
      return db.all(sql, where.params).map((r) => fromRow(r, JOURNAL_COLUMNS));
    },
    async get(id) {
      flush();
      const row = db.get(`SELECT ${COLS} FROM journal WHERE id = ?`, [id]);
      return row ? fromRow(row, JOURNAL_COLUMNS) : undefined;
    },
    async count() {
      flush();
      return Number(db.get("SELECT COUNT(*) AS n FROM journal")!.n);
    },
    async clear() {
      flush();
      db.run("DELETE FROM journal");
    },
    async prune(max) {
      flush();
      return db.run(
        "DELETE FROM journal WHERE seq NOT IN (SELECT seq FROM journal ORDER BY time DESC, seq DESC LIMIT ?)",
        [pruneKeep(max)],
      );
    },
  };
}
