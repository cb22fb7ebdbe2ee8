import type { DeliveryStore } from "../ports.js";
import { fromRow } from "../row-mapping.js";
import { listQuery, SqlWhere, SQLITE_PARAMS } from "../sql-where.js";
import { ATTEMPT_COLUMNS, DELIVERY_FILTER } from "../tables.js";
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
      const q = listQuery(SQLITE_PARAMS, { columns: COLS, table: "deliveries", order: "created_at DESC, seq DESC" }, DELIVERY_FILTER, filter);
      return db.all(q.sql, q.params).map(toRecord);
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
