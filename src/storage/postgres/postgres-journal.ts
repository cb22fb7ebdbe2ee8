import type { JournalEntry, JournalStore } from "../ports.js";
import { JournalBuffer, type JournalBufferOptions } from "../journal-buffer.js";
import { pruneKeep } from "../limits.js";
import { columnList, fromRow } from "../row-mapping.js";
import { listQuery, POSTGRES_PARAMS } from "../sql-where.js";
import { JOURNAL_COLUMNS, JOURNAL_FILTER } from "../tables.js";
import type { PgDatabase, PgTables } from "./postgres-database.js";
import { jsonRow, recordset, statementName } from "./postgres-json-rows.js";

const DIALECT = { boolAsInt: false, replaceNul: true };
const COLS = columnList(JOURNAL_COLUMNS);

/** A postgres journal that also exposes `close`, for the storage's close. */
export interface PgJournal extends JournalStore {
  close(): Promise<void>;
}

/** The journal on postgres: batched appends (one prepared INSERT per batch, the rows as one JSON parameter), reads flush first. */
export function createPostgresJournal(db: PgDatabase, t: PgTables, opts: Omit<JournalBufferOptions, "backend">): PgJournal {
  // An id already journaled is ignored: a retried batch must not fail forever.
  const insertSql = `INSERT INTO ${t.journal} (${COLS}) SELECT ${COLS} FROM ${recordset(1, JOURNAL_COLUMNS)} ON CONFLICT (id) DO NOTHING`;
  const insertName = statementName("journal", insertSql);
  const buffer = new JournalBuffer(
    async (batch) => {
      await db.query(insertSql, [JSON.stringify(batch.map((e) => jsonRow(e, JOURNAL_COLUMNS, DIALECT)))], insertName);
    },
    { ...opts, backend: "postgres" },
  );
  const read = async <T>(fn: () => Promise<T>): Promise<T> => {
    await buffer.flush();
    return fn();
  };

  return {
    close: () => buffer.close(),
    append(entry) {
      buffer.push(entry);
    },
    list: (filter = {}) =>
      read(async () => {
        const q = listQuery(POSTGRES_PARAMS, { columns: COLS, table: t.journal, order: "time DESC, seq DESC" }, JOURNAL_FILTER, filter);
        return (await db.query(q.sql, q.params)).rows.map(journalRow);
      }),
    get: (id) =>
      read(async () => {
        const { rows } = await db.query(`SELECT ${COLS} FROM ${t.journal} WHERE id = $1`, [id]);
        return rows[0] ? journalRow(rows[0]) : undefined;
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

/** An entry from a row; `signature` is left out (not null) when the route checked none, as the other stores do. */
function journalRow(row: Record<string, unknown>): JournalEntry {
  const e = fromRow(row, JOURNAL_COLUMNS);
  if (e.signature === null || e.signature === undefined) delete e.signature;
  return e;
}
