import type { RunStore } from "../ports.js";
import { pruneKeep } from "../limits.js";
import { columnList, fromRow, toParams } from "../row-mapping.js";
import { listQuery, SQLITE_PARAMS } from "../sql-where.js";
import { RUN_COLUMNS, RUN_FILTER } from "../tables.js";
import type { SqliteDatabase } from "./sqlite-database.js";

const DIALECT = { boolAsInt: true, replaceNul: false };
const COLS = columnList(RUN_COLUMNS);
const UPDATES = RUN_COLUMNS.filter((c) => c.field !== "id")
  .map((c) => `${c.column} = excluded.${c.column}`)
  .join(", ");
// An upsert, not INSERT OR REPLACE: replacing would give the row a new seq and reorder ties.
const PUT = `INSERT INTO runs (${COLS}, owner) VALUES (${RUN_COLUMNS.map(() => "?").join(", ")}, ?) ON CONFLICT(id) DO UPDATE SET ${UPDATES}, owner = excluded.owner`;

/** Run history on sqlite. */
export function createSqliteRuns(db: SqliteDatabase, owner: string): RunStore {
  return {
    async put(run) {
      db.run(PUT, [...toParams(run, RUN_COLUMNS, DIALECT), owner]);
    },
    async get(id) {
      const row = db.get(`SELECT ${COLS} FROM runs WHERE id = ?`, [id]);
      return row ? fromRow(row, RUN_COLUMNS) : undefined;
    },
    async list(filter = {}) {
      const q = listQuery(SQLITE_PARAMS, { columns: COLS, table: "runs", order: "started_at DESC, seq DESC" }, RUN_FILTER, filter);
      return db.all(q.sql, q.params).map((r) => fromRow(r, RUN_COLUMNS));
    },
    async prune(kind, max) {
      return db.run(
        "DELETE FROM runs WHERE kind = ? AND seq NOT IN (SELECT seq FROM runs WHERE kind = ? ORDER BY started_at DESC, seq DESC LIMIT ?)",
        [kind, kind, pruneKeep(max)],
      );
    },
    async interruptOrphans(liveOwners, now) {
      const marks = liveOwners.map(() => "?").join(", ");
      const others = liveOwners.length ? ` AND (owner IS NULL OR owner NOT IN (${marks}))` : "";
      return db.run(`UPDATE runs SET status = 'interrupted', finished_at = ? WHERE status = 'running'${others}`, [now, ...liveOwners]);
    },
    async clear(kind) {
      if (kind === undefined) db.run("DELETE FROM runs");
      else db.run("DELETE FROM runs WHERE kind = ?", [kind]);
    },
  };
}
