import type { DeliveryRecord, DeliveryStore } from "../ports.js";
import { FINISHED_DELIVERY_STATUSES, listLimit, pruneKeep } from "../limits.js";
import { columnList, encodeValue, fromRow, toParams } from "../row-mapping.js";
import { SqlWhere, SQLITE_PARAMS } from "../sql-where.js";
import { assertDistinctAttempts, duplicateAttempt, duplicateDelivery } from "../storage-errors.js";
import { ATTEMPT_COLUMNS, DELIVERY_COLUMNS, DELIVERY_URL_COLUMN } from "../tables.js";
import { isSqliteConstraint, type SqliteDatabase } from "./sqlite-database.js";
import { WriteBatcher } from "./write-batcher.js";

const DIALECT = { boolAsInt: true, replaceNul: false };
const COLS = columnList(DELIVERY_COLUMNS);
const ATT_COLS = columnList(ATTEMPT_COLUMNS);
const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");
const FINISHED = FINISHED_DELIVERY_STATUSES.map((s) => `'${s}'`).join(", ");
const toRecord = (r: Record<string, unknown>) => fromRow(r, DELIVERY_COLUMNS);
// Built once: a statement is looked up by its text, and building that text per write (and
// hashing a new string) showed in the outbox's profile.
const INSERT_DELIVERY = `INSERT INTO deliveries (${COLS}, ${DELIVERY_URL_COLUMN}) VALUES (${marks(DELIVERY_COLUMNS.length + 1)})`;
const INSERT_ATTEMPT = `INSERT INTO attempts (${ATT_COLS}) VALUES (${marks(ATTEMPT_COLUMNS.length)})`;
const REQUEUE = "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, updated_at = ?, lease_owner = NULL, lease_until = NULL WHERE status = 'in_flight'";

/**
 * Deliveries and attempts on sqlite. Every write is its own committed statement (or
 * transaction) before the promise resolves: with WAL + synchronous=NORMAL a committed
 * delivery survives a kill -9 of the process, which the outbox relies on.
 */
export function createSqliteDeliveries(db: SqliteDatabase): DeliveryStore {
  const writes = new WriteBatcher(db);
  return {
    // Every read below flushes the write batcher first.
    readsSeeIssuedWrites: true,
    async insert(d) {
      const params = [...toParams(d, DELIVERY_COLUMNS, DIALECT), d.request.url];
      try {
        await writes.write(() => db.run(INSERT_DELIVERY, params));
      } catch (e) {
        throw isSqliteConstraint(e) ? duplicateDelivery(d.id) : e;
      }
    },
    async update(id, patch) {
      const sets: string[] = [];
      const params: unknown[] = [];
      for (const c of DELIVERY_COLUMNS) {
        const value = (patch as Partial<DeliveryRecord>)[c.field];
        if (c.field === "id" || value === undefined) continue;
        sets.push(`${c.column} = ?`);
        params.push(encodeValue(value, c.codec, DIALECT));
      }
      if (patch.request !== undefined) {
        sets.push(`${DELIVERY_URL_COLUMN} = ?`);
        params.push(patch.request.url);
      }
      if (sets.length === 0) return;
      await writes.write(() => db.run(`UPDATE deliveries SET ${sets.join(", ")} WHERE id = ?`, [...params, id]));
    },
    async get(id) {
      writes.flush();
      const row = db.get(`SELECT ${COLS} FROM deliveries WHERE id = ?`, [id]);
      return row ? toRecord(row) : undefined;
    },
    async list(filter = {}) {
      writes.flush();
      const where = new SqlWhere(SQLITE_PARAMS)
        .when(filter.status, "status = {}")
        .when(filter.url, `instr(${DELIVERY_URL_COLUMN}, {}) > 0`)
        .when(filter.sourceKind, "source_kind = {}")
        .when(filter.sourceId, "source_id = {}")
        .when(filter.since, "created_at >= {}");
      const sql = `SELECT ${COLS} FROM deliveries ${where} ORDER BY created_at DESC, seq DESC LIMIT ${where.bind(listLimit(filter.limit))}`;
      return db.all(sql, where.params).map(toRecord);
    },
    async count(filter = {}) {
      writes.flush();
      const where = new SqlWhere(SQLITE_PARAMS).when(filter.status, "status = {}");
      return Number(db.get(`SELECT COUNT(*) AS n FROM deliveries ${where}`, where.params)!.n);
    },
    async insertFinished(d, list) {
      assertDistinctAttempts(d.id, list);
      try {
        // One savepoint in the batch's transaction: the delivery and its attempts, or nothing.
        await writes.write(() => {
          db.run(INSERT_DELIVERY, [...toParams(d, DELIVERY_COLUMNS, DIALECT), d.request.url]);
          for (const a of list) db.run(INSERT_ATTEMPT, toParams(a, ATTEMPT_COLUMNS, DIALECT));
        });
      } catch (e) {
        throw isSqliteConstraint(e) ? duplicateDelivery(d.id) : e;
      }
    },
    async addAttempt(a) {
      const params = toParams(a, ATTEMPT_COLUMNS, DIALECT);
      try {
        await writes.write(() => db.run(INSERT_ATTEMPT, params));
      } catch (e) {
        throw isSqliteConstraint(e) ? duplicateAttempt(a.deliveryId, a.number) : e;
      }
    },
    async attempts(deliveryId) {
      writes.flush();
      return db
        .all(`SELECT ${ATT_COLS} FROM attempts WHERE delivery_id = ? ORDER BY number, started_at`, [deliveryId])
        .map((r) => fromRow(r, ATTEMPT_COLUMNS));
    },
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
    async delete(id) {
      writes.flush();
      return db.transaction(() => {
        db.run("DELETE FROM attempts WHERE delivery_id = ?", [id]);
        return db.run("DELETE FROM deliveries WHERE id = ?", [id]) > 0;
      });
    },
    async prune(max) {
      writes.flush();
      return db.transaction(() => {
        const doomed = `SELECT id FROM deliveries WHERE status IN (${FINISHED}) ORDER BY created_at DESC, seq DESC LIMIT -1 OFFSET ?`;
        const keep = pruneKeep(max);
        db.run(`DELETE FROM attempts WHERE delivery_id IN (${doomed})`, [keep]);
        return db.run(`DELETE FROM deliveries WHERE id IN (${doomed})`, [keep]);
      });
    },
  };
}
