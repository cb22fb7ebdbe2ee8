import type { MemberStore } from "../ports.js";
import { columnList, fromRow, toParams } from "../row-mapping.js";
import { MEMBER_COLUMNS } from "../tables.js";
import type { PgDatabase, PgTables } from "./postgres-database.js";

const COLS = columnList(MEMBER_COLUMNS);
const DIALECT = { boolAsInt: false, replaceNul: true };

/** The cluster's member list on postgres: one row per process, moved by its heartbeat. */
export function createPostgresMembers(db: PgDatabase, t: PgTables): MemberStore {
  const M = t.members;
  const toMember = (r: Record<string, unknown>) => fromRow(r, MEMBER_COLUMNS);
  return {
    async register(m) {
      await db.query(
        `INSERT INTO ${M} (${COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET host = excluded.host, port = excluded.port, version = excluded.version, pid = excluded.pid,
           started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at, stopped_at = excluded.stopped_at`,
        toParams(m, MEMBER_COLUMNS, DIALECT),
      );
    },
    async heartbeat(id, now) {
      return (await db.query(`UPDATE ${M} SET heartbeat_at = $2 WHERE id = $1`, [id, now])).rowCount > 0;
    },
    async leave(id, now) {
      await db.query(`UPDATE ${M} SET stopped_at = $2 WHERE id = $1`, [id, now]);
    },
    async list() {
      return (await db.query(`SELECT ${COLS} FROM ${M} ORDER BY started_at, id`)).rows.map(toMember);
    },
    async prune(before) {
      return (await db.query(`DELETE FROM ${M} WHERE heartbeat_at < $1`, [before])).rowCount;
    },
  };
}
