import type { DeliveryLeases } from "../ports.js";
import { listLimit } from "../limits.js";
import type { SqliteDatabase } from "./sqlite-database.js";
import { COLS, marks, toRecord } from "./sqlite-delivery-rows.js";
import type { WriteBatcher } from "./write-batcher.js";

const REQUEUE = "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, updated_at = ?, lease_owner = NULL, lease_until = NULL WHERE status = 'in_flight'";

/**
 * Claiming due deliveries and keeping their leases on sqlite. Each call flushes the outbox's
 * write batcher first, so it sees every write issued before it.
 */
export function createSqliteDeliveryLeases(db: SqliteDatabase, writes: WriteBatcher): DeliveryLeases {
  return {
    async claimDue(now, limit, lease) {
      writes.flush();
      // Select then update in one IMMEDIATE transaction: the write lock is held from the
      // select on, so another process cannot claim the same rows, and the select fixes the
      // oldest-due-first order (RETURNING order is unspecified).
      return db.transaction(() => {
        const due = db.all(
          "SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, seq LIMIT ?",
          [now, listLimit(limit)],
        );
        if (due.length === 0) return [];
        const ids = due.map((r) => String(r.id));
        // The count comes from the stored attempts: one recorded just before a crash (before
        // its delivery was updated) is counted, so the next attempt never reuses its number.
        const rows = db.all(
          `UPDATE deliveries SET status = 'in_flight', next_attempt_at = NULL, updated_at = ?, lease_owner = ?, lease_until = ?,
             attempt_count = MAX(attempt_count, COALESCE((SELECT MAX(number) FROM attempts WHERE delivery_id = deliveries.id), 0))
           WHERE id IN (${marks(ids.length)}) RETURNING ${COLS}`,
          [now, lease.owner, lease.until, ...ids],
        );
        const byId = new Map(rows.map((r) => [String(r.id), toRecord(r)]));
        return ids.map((id) => byId.get(id)!);
      });
    },
    async nextDueAt() {
      writes.flush();
      const row = db.get("SELECT MIN(next_attempt_at) AS t FROM deliveries WHERE status = 'pending'");
      return row?.t === null || row?.t === undefined ? null : Number(row.t);
    },
    async renewLeases(ids, lease) {
      if (ids.length === 0) return 0;
      writes.flush();
      return db.transaction(() => {
        let n = 0;
        // Chunks: sqlite caps the number of bound parameters per statement.
        for (let i = 0; i < ids.length; i += 500) {
          const chunk = ids.slice(i, i + 500);
          n += db.run(
            `UPDATE deliveries SET lease_until = ? WHERE status = 'in_flight' AND lease_owner = ? AND id IN (${marks(chunk.length)})`,
            [lease.until, lease.owner, ...chunk],
          );
        }
        return n;
      });
    },
    async requeueExpired(now) {
      writes.flush();
      return db.run(`${REQUEUE} AND (lease_until IS NULL OR lease_until <= ?)`, [now, now, now]);
    },
    async requeueInFlight(now) {
      writes.flush();
      return db.run(REQUEUE, [now, now]);
    },
    async leasesByOwner() {
      writes.flush();
      return db
        .all("SELECT lease_owner, COUNT(*) AS n, MIN(lease_until) AS earliest FROM deliveries WHERE status = 'in_flight' GROUP BY lease_owner")
        .map((r) => ({ owner: r.lease_owner === null ? null : String(r.lease_owner), count: Number(r.n), earliestUntil: r.earliest === null ? null : Number(r.earliest) }));
    },
  };
}
