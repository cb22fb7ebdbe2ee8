import type { DeliveryRecord, DeliveryStore } from "../ports.js";
import { FINISHED_DELIVERY_STATUSES, pruneKeep } from "../limits.js";
import { columnList, encodeValue, fromRow, toParams } from "../row-mapping.js";
import { listQuery, SqlWhere, POSTGRES_PARAMS } from "../sql-where.js";
import { assertDistinctAttempts, duplicateAttempt, duplicateDelivery } from "../storage-errors.js";
import { ATTEMPT_COLUMNS, DELIVERY_COLUMNS, DELIVERY_FILTER, DELIVERY_URL_COLUMN } from "../tables.js";
import { isPgUniqueViolation, type PgDatabase, type PgTables } from "./postgres-database.js";
import { createPostgresDeliveryLeases } from "./postgres-delivery-leases.js";
import { OUTCOME_FIELDS, PgOutboxBatcher, type SingleWrites } from "./postgres-outbox-batch.js";

const DIALECT = { boolAsInt: false, replaceNul: true };
const COLS = columnList(DELIVERY_COLUMNS);
const ATT_COLS = columnList(ATTEMPT_COLUMNS);
const marks = (n: number) => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(", ");
const FINISHED = FINISHED_DELIVERY_STATUSES.map((s) => `'${s}'`).join(", ");
const toRecord = (r: Record<string, unknown>) => fromRow(r, DELIVERY_COLUMNS);

/**
 * Deliveries and attempts on postgres: writes (batched, see postgres-outbox-batch.ts) and
 * queries. Claiming and leases, which let several MockForge instances share one outbox, are in
 * postgres-delivery-leases.ts.
 */
export function createPostgresDeliveries(db: PgDatabase, t: PgTables): DeliveryStore {
  const D = t.deliveries;
  const A = t.attempts;
  const doomed = `SELECT id FROM ${D} WHERE status IN (${FINISHED}) ORDER BY created_at DESC, seq DESC OFFSET $1`;

  const single = singleWrites(db, t);
  const batch = new PgOutboxBatcher(db, t, DIALECT, single);

  return {
    readsSeeIssuedWrites: false,
    ...createPostgresDeliveryLeases(db, t),
    insert: (d) => batch.insert(d),
    update: (id, patch) => (isOutcome(patch) ? batch.update(id, patch) : single.update(id, patch)),
    async get(id) {
      const { rows } = await db.query(`SELECT ${COLS} FROM ${D} WHERE id = $1`, [id]);
      return rows[0] ? toRecord(rows[0]) : undefined;
    },
    async list(filter = {}) {
      const q = listQuery(POSTGRES_PARAMS, { columns: COLS, table: D, order: "created_at DESC, seq DESC" }, DELIVERY_FILTER, filter);
      return (await db.query(q.sql, q.params)).rows.map(toRecord);
    },
    async count(filter = {}) {
      const where = new SqlWhere(POSTGRES_PARAMS).when(filter.status, "status = {}");
      return Number((await db.query(`SELECT COUNT(*) AS n FROM ${D} ${where}`, where.params)).rows[0]!.n);
    },
    async insertFinished(d, list) {
      assertDistinctAttempts(d.id, list);
      try {
        await batch.writeFinished(d, list);
      } catch (e) {
        throw isPgUniqueViolation(e) ? duplicateDelivery(d.id) : e;
      }
    },
    addAttempt: (a) => batch.addAttempt(a),
    async attempts(deliveryId) {
      const { rows } = await db.query(`SELECT ${ATT_COLS} FROM ${A} WHERE delivery_id = $1 ORDER BY number, started_at`, [deliveryId]);
      return rows.map((r) => fromRow(r, ATTEMPT_COLUMNS));
    },
    async delete(id) {
      // One statement, so the attempts and the record go together.
      const sql = `WITH gone AS (DELETE FROM ${A} WHERE delivery_id = $1) DELETE FROM ${D} WHERE id = $1`;
      return (await db.query(sql, [id])).rowCount > 0;
    },
    async prune(max) {
      const sql = `WITH doomed AS (${doomed}), gone AS (DELETE FROM ${A} WHERE delivery_id IN (SELECT id FROM doomed))
        DELETE FROM ${D} WHERE id IN (SELECT id FROM doomed)`;
      return (await db.query(sql, [pruneKeep(max)])).rowCount;
    },
  };
}

/** Whether `patch` is an attempt's outcome (see OUTCOME_FIELDS), which the batcher can write with others. */
function isOutcome(patch: Partial<Omit<DeliveryRecord, "id">>): patch is Pick<DeliveryRecord, (typeof OUTCOME_FIELDS)[number]> {
  const keys = Object.keys(patch);
  return keys.length === OUTCOME_FIELDS.length && OUTCOME_FIELDS.every((f) => (patch as Record<string, unknown>)[f] !== undefined);
}

/** One statement per write: the path of a write alone, and of each write of a batch that failed. */
function singleWrites(db: PgDatabase, t: PgTables): SingleWrites {
  const insertSql = `INSERT INTO ${t.deliveries} (${COLS}, ${DELIVERY_URL_COLUMN}) VALUES (${marks(DELIVERY_COLUMNS.length + 1)})`;
  const attemptSql = `INSERT INTO ${t.attempts} (${ATT_COLS}) VALUES (${marks(ATTEMPT_COLUMNS.length)})`;
  return {
    async insert(d) {
      try {
        await db.query(insertSql, [...toParams(d, DELIVERY_COLUMNS, DIALECT), POSTGRES_PARAMS.prepare(d.request.url)]);
      } catch (e) {
        throw isPgUniqueViolation(e) ? duplicateDelivery(d.id) : e;
      }
    },
    async addAttempt(a) {
      try {
        await db.query(attemptSql, toParams(a, ATTEMPT_COLUMNS, DIALECT));
      } catch (e) {
        throw isPgUniqueViolation(e) ? duplicateAttempt(a.deliveryId, a.number) : e;
      }
    },
    async update(id, patch) {
      const where = new SqlWhere(POSTGRES_PARAMS);
      const sets: string[] = [];
      for (const c of DELIVERY_COLUMNS) {
        const value = (patch as Partial<DeliveryRecord>)[c.field];
        if (c.field === "id" || value === undefined) continue;
        sets.push(`${c.column} = ${where.bind(encodeValue(value, c.codec, DIALECT))}`);
      }
      if (patch.request !== undefined) sets.push(`${DELIVERY_URL_COLUMN} = ${where.bind(patch.request.url)}`);
      if (sets.length === 0) return;
      where.add("id = {}", id);
      await db.query(`UPDATE ${t.deliveries} SET ${sets.join(", ")} ${where}`, where.params);
    },
  };
}
