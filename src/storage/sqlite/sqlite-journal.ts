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
const ROW = `(${JOURNAL_COLUMNS.map(() => "?").join(", ")})`;
// Rows per INSERT statement: one native call per 50 entries instead of one per entry.
const ROWS_PER_INSERT = 50;
const insertSql = (rows: number) => `INSERT INTO journal (${COLS}) VALUES ${Array.from({ length: rows }, () => ROW).join(", ")} ON CONFLICT(id) DO NOTHING`;

/** A sqlite journal that also exposes `close`, for the storage's close. */
export interface SqliteJournal extends JournalStore {
  close(): Promise<void>;
}

/** The journal on sqlite: batched appends (one transaction per batch), reads flush first. */
export function createSqliteJournal(db: SqliteDatabase, opts: Omit<JournalBufferOptions, "backend">): SqliteJournal {
  const buffer = new JournalBuffer(
    (batch) =>
      db.transaction(() => {
        for (let i = 0; i < batch.length; i += ROWS_PER_INSERT) {
          const rows = batch.slice(i, i + ROWS_PER_INSERT);
          db.run(insertSql(rows.length), rows.flatMap((e) => toParams(e, JOURNAL_COLUMNS, DIALECT)));
        }
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
      // Find the oldest entry to keep through the (time, seq) index, then delete below it:
      // no sort of the whole table, so pruning stays cheap on a busy server.
      const keep = pruneKeep(max);
      if (keep === 0) return db.run("DELETE FROM journal");
      const edge = db.get("SELECT time, seq FROM journal ORDER BY time DESC, seq DESC LIMIT 1 OFFSET ?", [keep - 1]);
      if (!edge) return 0;
      return db.run("DELETE FROM journal WHERE time < ? OR (time = ? AND seq < ?)", [edge.time, edge.time, edge.seq]);
    },
  };
}
