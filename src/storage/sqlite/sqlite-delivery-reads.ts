import type { DeliveryStore } from "../ports.js";
import { listLimit } from "../limits.js";
import { fromRow } from "../row-mapping.js";
import { SqlWhere, SQLITE_PARAMS } from "../sql-where.js";
import { ATTEMPT_COLUMNS, DELIVERY_URL_COLUMN } from "../tables.js";
import type { SqliteDatabase } from "./sqlite-database.js";
import { ATT_COLS, COLS, toRecord } from "./sqlite-delivery-rows.js";
import type { WriteBatcher } from "./write-batcher.js";

/** The outbox's queries on sqlite. Each flushes the write batcher first, so it sees every write issued before it. */
export function createSqliteDeliveryReads(db: SqliteDatabase, writes: WriteBatcher): Pick<DeliveryStore, "get" | "list" | "count" | "attempts"> {
  return {
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
    async attempts(deliveryId) {
      writes.flush();
      return db
        .all(`SELECT ${ATT_COLS} FROM attempts WHERE delivery_id = ? ORDER BY number, started_at`, [deliveryId])
        .map((r) => fromRow(r, ATTEMPT_COLUMNS));
    },
  };
}
