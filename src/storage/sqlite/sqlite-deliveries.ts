import type { DeliveryRecord, DeliveryStore } from "../ports.js";
import { FINISHED_DELIVERY_STATUSES, pruneKeep } from "../limits.js";
import { encodeValue, toParams } from "../row-mapping.js";
import { assertDistinctAttempts, duplicateAttempt, duplicateDelivery } from "../storage-errors.js";
import { ATTEMPT_COLUMNS, DELIVERY_COLUMNS, DELIVERY_URL_COLUMN } from "../tables.js";
import { isSqliteConstraint, type SqliteDatabase } from "./sqlite-database.js";
import { createSqliteDeliveryLeases } from "./sqlite-delivery-leases.js";
import { createSqliteDeliveryReads } from "./sqlite-delivery-reads.js";
import { DIALECT, INSERT_ATTEMPT, INSERT_DELIVERY } from "./sqlite-delivery-rows.js";
import { WriteBatcher } from "./write-batcher.js";

const FINISHED = FINISHED_DELIVERY_STATUSES.map((s) => `'${s}'`).join(", ");

/**
 * Deliveries and attempts on sqlite. Every write is its own committed statement (or
 * transaction) before the promise resolves: with WAL + synchronous=NORMAL a committed
 * delivery survives a kill -9 of the process, which the outbox relies on. The writes are
 * here; the queries and the claim/lease calls, which share the write batcher, are in
 * sqlite-delivery-reads.ts and sqlite-delivery-leases.ts.
 */
export function createSqliteDeliveries(db: SqliteDatabase): DeliveryStore {
  const writes = new WriteBatcher(db);
  return {
    // Every read flushes the write batcher first.
    readsSeeIssuedWrites: true,
    ...createSqliteDeliveryReads(db, writes),
    ...createSqliteDeliveryLeases(db, writes),
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
