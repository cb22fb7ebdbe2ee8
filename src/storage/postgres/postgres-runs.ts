import type { RunStore } from "../ports.js";
import { pruneKeep } from "../limits.js";
import { columnList, fromRow, toParams } from "../row-mapping.js";
import { listQuery, POSTGRES_PARAMS } from "../sql-where.js";
import { RUN_COLUMNS, RUN_FILTER } from "../tables.js";
import type { PgDatabase, PgTables } from "./postgres-database.js";

const DIALECT = { boolAsInt: false, replaceNul: true };
const COLS = columnList(RUN_COLUMNS);
const UPDATES = RUN_COLUMNS.filter((c) => c.field !== "id")
  .map((c) => `${c.column} = excluded.${c.column}`)
  .join(", ");

/** Run history on postgres; `put` is an upsert that keeps the row's first sequence number. */
export function createPostgresRuns(db: PgDatabase, t: PgTables, owner: string): RunStore {
  const n = RUN_COLUMNS.length;
  const put = `INSERT INTO ${t.runs} (${COLS}, owner) VALUES (${RUN_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")}, $${n + 1})
    ON CONFLICT (id) DO UPDATE SET ${UPDATES}, owner = excluded.owner`;
  return {
    async put(run) {
      await db.query(put, [...toParams(run, RUN_COLUMNS, DIALECT), owner]);
    },
    async get(id) {
      const { rows } = await db.query(`SELECT ${COLS} FROM ${t.runs} WHERE id = $1`, [id]);
      return rows[0] ? fromRow(rows[0], RUN_COLUMNS) : undefined;
    },
    async list(filter = {}) {
      const q = listQuery(POSTGRES_PARAMS, { columns: COLS, table: t.runs, order: "started_at DESC, seq DESC" }, RUN_FILTER, filter);
      return (await db.query(q.sql, q.params)).rows.map((r) => fromRow(r, RUN_COLUMNS));
    },
    async prune(kind, max) {
      const sql = `DELETE FROM ${t.runs} WHERE seq IN (SELECT seq FROM ${t.runs} WHERE kind = $1 ORDER BY started_at DESC, seq DESC OFFSET $2)`;
      return (await db.query(sql, [kind, pruneKeep(max)])).rowCount;
    },
    async interruptOrphans(liveOwners, now) {
      const sql = `UPDATE ${t.runs} SET status = 'interrupted', finished_at = $1
        WHERE status = 'running' AND (owner IS NULL OR NOT (owner = ANY($2::text[])))`;
      return (await db.query(sql, [now, [...liveOwners]])).rowCount;
    },
    async clear(kind) {
      if (kind === undefined) await db.query(`DELETE FROM ${t.runs}`);
      else await db.query(`DELETE FROM ${t.runs} WHERE kind = $1`, [kind]);
    },
  };
}
