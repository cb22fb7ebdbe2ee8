import type { Clock, TimerHandle } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import type { JournalEntry, JournalStore } from "../ports.js";
import { listLimit, pruneKeep } from "../limits.js";
import { columnList, fromRow, toParams } from "../row-mapping.js";
import { SqlWhere, postgresPlaceholder } from "../sql-where.js";
import { JOURNAL_COLUMNS } from "../tables.js";
import type { PgDatabase, PgTables } from "./postgres-database.js";

export interface PgJournalBuffering {
  clock: Clock;
  logger: Logger;
  flushMs: number;
  /** Entries per INSERT (and the count that triggers an immediate write). */
  batchSize: number;
}

const DIALECT = { boolAsInt: false };
const COLS = columnList(JOURNAL_COLUMNS);
/** Longest wait between retries of a failing background write. */
const MAX_RETRY_MS = 5000;

/** A postgres journal that also exposes `flush`, for close. */
export interface PgJournal extends JournalStore {
  flush(): Promise<void>;
}

/**
 * The journal on postgres: appends are buffered and written as one multi-row INSERT per
 * batch. Writes are serialised on one promise chain so entries land in append order; reads
 * wait for that chain, so the buffer is invisible. A failed background write keeps its
 * entries and retries with backoff (logged); a read surfaces the error.
 */
export function createPostgresJournal(db: PgDatabase, t: PgTables, opts: PgJournalBuffering): PgJournal {
  let buffer: JournalEntry[] = [];
  let timer: TimerHandle | undefined;
  let chain: Promise<void> = Promise.resolve();
  let failures = 0;

  const writeAll = async (): Promise<void> => {
    while (buffer.length > 0) {
      const batch = buffer.slice(0, opts.batchSize);
      buffer = buffer.slice(batch.length);
      const params: unknown[] = [];
      const rows = batch.map((e) => {
        const base = params.length;
        params.push(...toParams(e, JOURNAL_COLUMNS, DIALECT));
        return `(${JOURNAL_COLUMNS.map((_, i) => `$${base + i + 1}`).join(", ")})`;
      });
      try {
        await db.query(`INSERT INTO ${t.journal} (${COLS}) VALUES ${rows.join(", ")} ON CONFLICT (id) DO NOTHING`, params);
      } catch (e) {
        buffer = batch.concat(buffer);
        throw e;
      }
    }
    failures = 0;
  };

  const flush = (): Promise<void> => {
    opts.clock.clearTimeout(timer);
    timer = undefined;
    const next = chain.catch(() => undefined).then(writeAll);
    chain = next;
    return next;
  };

  const schedule = (ms: number): void => {
    if (timer === undefined) timer = opts.clock.setTimeout(flushInBackground, ms);
  };

  function flushInBackground(): void {
    flush().catch((e: unknown) => {
      failures++;
      opts.logger.error({ err: e, buffered: buffer.length }, "journal: writing buffered entries to postgres failed; will retry");
      schedule(Math.min(MAX_RETRY_MS, opts.flushMs * 2 ** failures));
    });
  }

  const read = async <T>(fn: () => Promise<T>): Promise<T> => {
    await flush();
    return fn();
  };

  return {
    flush,
    async append(entry) {
      buffer.push(structuredClone(entry));
      if (buffer.length >= opts.batchSize) flushInBackground();
      else schedule(opts.flushMs);
    },
    list: (filter = {}) =>
      read(async () => {
        const where = new SqlWhere(postgresPlaceholder)
          .when(filter.method, "method = {}")
          .when(filter.path, "path = {}")
          .when(filter.routeId, "route_id = {}")
          .when(filter.since, "time >= {}");
        const limit = where.bind(listLimit(filter.limit));
        const { rows } = await db.query(`SELECT ${COLS} FROM ${t.journal} ${where} ORDER BY time DESC, seq DESC LIMIT ${limit}`, where.params);
        return rows.map((r) => fromRow(r, JOURNAL_COLUMNS));
      }),
    get: (id) =>
      read(async () => {
        const { rows } = await db.query(`SELECT ${COLS} FROM ${t.journal} WHERE id = $1`, [id]);
        return rows[0] ? fromRow(rows[0], JOURNAL_COLUMNS) : undefined;
      }),
    count: () => read(async () => Number((await db.query(`SELECT COUNT(*) AS n FROM ${t.journal}`)).rows[0]!.n)),
    clear: () =>
      read(async () => {
        await db.query(`DELETE FROM ${t.journal}`);
      }),
    prune: (max) =>
      read(async () => {
        const sql = `DELETE FROM ${t.journal} WHERE seq IN (SELECT seq FROM ${t.journal} ORDER BY time DESC, seq DESC OFFSET $1)`;
        return (await db.query(sql, [pruneKeep(max)])).rowCount;
      }),
  };
}
