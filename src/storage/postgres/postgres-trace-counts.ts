import type { Logger } from "../../core/logger.js";
import type { TraceCountStore } from "../ports.js";
import type { PgDatabase, PgTables } from "./postgres-database.js";

/** How long a trace's count is kept after its last call: far longer than a loop's hops take. */
export const TRACE_COUNT_KEEP_MS = 10 * 60_000;
/** How often a member deletes counts older than that (only when it counts at all). */
const PRUNE_EVERY_MS = 30_000;

/**
 * The fan-out budget's shared count on postgres: one upsert per call, so members counting the
 * same trace at once each get their own number (the row lock orders them).
 */
export function createPostgresTraceCounts(db: PgDatabase, t: PgTables, logger: Logger): TraceCountStore {
  const T = t.traceCounts;
  const addSql = `INSERT INTO ${T} AS c (trace_id, n, updated_at) VALUES ($1, 1, $2)
    ON CONFLICT (trace_id) DO UPDATE SET n = c.n + 1, updated_at = GREATEST(c.updated_at, excluded.updated_at) RETURNING n`;
  let nextPruneAt = 0;
  return {
    async add(traceId, now) {
      if (now >= nextPruneAt) {
        nextPruneAt = now + PRUNE_EVERY_MS;
        // In the background: a failed prune only leaves old rows a little longer.
        db.query(`DELETE FROM ${T} WHERE updated_at < $1`, [now - TRACE_COUNT_KEEP_MS]).catch((e: unknown) =>
          logger.warn({ err: e }, "postgres storage: pruning old trace counts failed"),
        );
      }
      const { rows } = await db.query(addSql, [traceId, now]);
      return Number(rows[0]!.n);
    },
  };
}
