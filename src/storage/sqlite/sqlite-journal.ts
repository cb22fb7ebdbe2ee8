import type { JournalFilter, JournalStore } from "../ports.js";
import { JournalBuffer, type JournalBufferOptions } from "../journal-buffer.js";
import { listLimit, pruneKeep } from "../limits.js";
import { columnList, fromRow, toParams } from "../row-mapping.js";
import { SqlWhere, SQLITE_PARAMS } from "../sql-where.js";
import { JOURNAL_COLUMNS } from "../tables.js";
import type { SqliteDatabase } from "./sqlite-database.js";

const DIALECT = { boolAsInt: true, replaceNul: false };
const COLS = columnList(JOURNAL_COLUMNS);
// An id already journaled is ignored: a batch retried after a partial failure must not fail forever.
const INSERT = `INSERT INTO journal (${COLS}) VALUES (${JOURNAL_COLUMNS.map(() => "?").join(", ")}) ON CONFLICT(id) DO NOTHING`;

/** A sqlite journal that also exposes `close`, for the storage's close. */
export interface SqliteJournal extends JournalStore {
  close(): Promise<void>;
}

/** The journal on sqlite: batched appends (one transaction per batch), reads flush first. */
export function createSqliteJournal(db: SqliteDatabase, opts: Omit<JournalBufferOptions, "backend">): SqliteJournal {
  const buffer = new JournalBuffer(
    (batch) =>
      db.transaction(() => {
        for (const e of batch) db.run(INSERT, toParams(e, JOURNAL_COLUMNS, DIALECT));
      }),
    { ...opts, backend: "sqlite" },
  );

  return {
    close: () => buffer.close(),
    async append(entry) {
      buffer.push(entry);
    },
    async list(filter: JournalFilter = {}) {
      await buffer.flush();
      const where = new SqlWhere(SQLITE_PARAMS)
        .when(filter.method, "method = {}")
        .when(filter.path, "path = {}")
        .when(filter.routeId, "route_id = {}")
        .when(filter.since, "time >= {}");
      const sql = `SELECT ${COLS} FROM journal ${where} ORDER BY time DESC, seq DESC LIMIT ${where.bind(listLimit(filter.limit))}`;
      return db.all(sql, where.params).map((r) => fromRow(r, JOURNAL_COLUMNS));
    },
    async get(id) {
      await buffer.flush();
      const row = db.get(`SELECT ${COLS} FROM journal WHERE id = ?`, [id]);
      return row ? fromRow(row, JOURNAL_COLUMNS) : undefined;
    },
    async count() {
      await buffer.flush();
      return Number(db.get("SELECT COUNT(*) AS n FROM journal")!.n);
    },
    async clear() {
      await buffer.flush();
      db.run("DELETE FROM journal");
    },
    async prune(max) {
      await buffer.flush();
      return db.run(
        "DELETE FROM journal WHERE seq NOT IN (SELECT seq FROM journal ORDER BY time DESC, seq DESC LIMIT ?)",
        [pruneKeep(max)],
      );
    },
  };
}
