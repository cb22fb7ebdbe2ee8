import type { DeliveryLeases } from "../ports.js";
import { listLimit } from "../limits.js";
import { fromRow } from "../row-mapping.js";
import { DELIVERY_COLUMNS } from "../tables.js";
import type { PgDatabase, PgTables } from "./postgres-database.js";

/**
 * Claiming due deliveries and keeping their leases on postgres. `claimDue` locks due rows with
 * FOR UPDATE SKIP LOCKED in the same statement that marks them in flight, so several MockForge
 * instances can share one outbox without ever sending a delivery twice at once.
 */
export function createPostgresDeliveryLeases(db: PgDatabase, t: PgTables): DeliveryLeases {
  const D = t.deliveries;
  const A = t.attempts;
  // The count comes from the stored attempts: one recorded just before a crash (before its
  // delivery was updated) is counted, so the next attempt never reuses its number.
  const claimSql = `
    WITH due AS (
      SELECT seq, next_attempt_at AS due_at FROM ${D}
      WHERE status = 'pending' AND next_attempt_at <= $1
      ORDER BY next_attempt_at, seq LIMIT $2
      FOR UPDATE SKIP LOCKED
    )
    UPDATE ${D} AS d SET status = 'in_flight', next_attempt_at = NULL, updated_at = $1, lease_owner = $3, lease_until = $4,
      attempt_count = GREATEST(d.attempt_count, COALESCE((SELECT MAX(a.number) FROM ${A} AS a WHERE a.delivery_id = d.id), 0))
    FROM due WHERE d.seq = due.seq
    RETURNING ${DELIVERY_COLUMNS.map((c) => `d.${c.column}`).join(", ")}, due.due_at, due.seq AS due_seq`;
  const requeueSql = `UPDATE ${D} SET status = 'pending', next_attempt_at = $1, updated_at = $1, lease_owner = NULL, lease_until = NULL WHERE status = 'in_flight'`;

  return {
    async claimDue(now, limit, lease) {
      const n = listLimit(limit);
      if (n === 0) return [];
      const { rows } = await db.query(claimSql, [now, n, lease.owner, lease.until]);
      // RETURNING order is unspecified: restore oldest-due-first from the locked rows.
      rows.sort((a, b) => Number(a.due_at) - Number(b.due_at) || Number(a.due_seq) - Number(b.due_seq));
      return rows.map((r) => fromRow(r, DELIVERY_COLUMNS));
    },
    async nextDueAt() {
      const { rows } = await db.query(`SELECT MIN(next_attempt_at) AS t FROM ${D} WHERE status = 'pending'`);
      return rows[0]?.t === null || rows[0]?.t === undefined ? null : Number(rows[0].t);
    },
    async renewLeases(ids, lease) {
      if (ids.length === 0) return 0;
      const sql = `UPDATE ${D} SET lease_until = $1 WHERE status = 'in_flight' AND lease_owner = $2 AND id = ANY($3::text[])`;
      return (await db.query(sql, [lease.until, lease.owner, [...ids]])).rowCount;
    },
    async requeueExpired(now) {
      return (await db.query(`${requeueSql} AND (lease_until IS NULL OR lease_until <= $1)`, [now])).rowCount;
    },
    async requeueInFlight(now) {
      return (await db.query(requeueSql, [now])).rowCount;
    },
    async leasesByOwner() {
      const { rows } = await db.query(`SELECT lease_owner, COUNT(*) AS n, MIN(lease_until) AS earliest FROM ${D} WHERE status = 'in_flight' GROUP BY lease_owner`);
      return rows.map((r) => ({ owner: r.lease_owner === null ? null : String(r.lease_owner), count: Number(r.n), earliestUntil: r.earliest === null ? null : Number(r.earliest) }));
    },
  };
}
