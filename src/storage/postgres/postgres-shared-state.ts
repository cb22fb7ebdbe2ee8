import type { SharedStateStore } from "../ports.js";
import { columnList, fromRow } from "../row-mapping.js";
import { STATE_COLUMNS } from "../tables.js";
import type { PgDatabase, PgTables } from "./postgres-database.js";

const COLS = columnList(STATE_COLUMNS);

/**
 * Shared run-time state on postgres: one row per (kind, key) holding its latest value and
 * version, and a global sequence number. Writes take one advisory lock, so they commit in
 * sequence order: a member that has applied everything up to `seq` n never later finds a
 * change numbered below n (which a reader polling `seq > n` would skip).
 */
export function createPostgresSharedState(db: PgDatabase, t: PgTables): SharedStateStore {
  const S = t.state;
  const toChange = (r: Record<string, unknown>) => fromRow(r, STATE_COLUMNS);
  const lockKey = `mockforge-state:${t.schema}.${t.state}`;
  return {
    async write(c, expected) {
      return db.transaction(async (query) => {
        await query("SELECT pg_advisory_xact_lock(hashtext($1))", [lockKey]);
        const { rows } = await query(
          `INSERT INTO ${S} AS s (${COLS}) VALUES ($1, $2, 1, nextval('${t.stateSeq}'), $3, $4, $5)
           ON CONFLICT (kind, key) DO UPDATE SET version = s.version + 1, seq = nextval('${t.stateSeq}'), body = excluded.body, origin = excluded.origin, at = excluded.at
           WHERE s.version = $6
           RETURNING ${COLS}`,
          [c.kind, c.key, JSON.stringify(c.body ?? null), c.origin, c.at, expected],
        );
        if (!rows[0]) return null;
        const change = toChange(rows[0]);
        // Delivered at commit, to every member (this one too): they apply from `since`.
        await query("SELECT pg_notify($1, $2)", [t.stateChannel, String(change.seq)]);
        return change;
      });
    },
    async since(after) {
      return (await db.query(`SELECT ${COLS} FROM ${S} WHERE seq > $1 ORDER BY seq`, [after])).rows.map(toChange);
    },
  };
}
