import type { AttemptRecord, DeliveryFilter, DeliveryRecord, JournalEntry, JournalFilter, MemberRecord, RunFilter, RunRecord, SharedChange } from "./ports.js";
import { col, type Column } from "./row-mapping.js";
import type { FilterConditions } from "./sql-where.js";

/**
 * Column layouts of the tables, shared by the SQL backends. Fields that filters and
 * indexes use are real columns; nested values are JSON text. `rawBody` is JSON text too,
 * because postgres TEXT cannot hold the NUL characters a request body may carry.
 */
export const JOURNAL_COLUMNS: readonly Column<JournalEntry>[] = [
  col("id", "text"),
  col("time", "num"),
  col("method", "text"),
  col("path", "text"),
  col("url", "text"),
  col("query", "json"),
  col("params", "json"),
  col("headers", "json"),
  col("rawBody", "json"),
  col("rawBodyEncoding", "text"),
  col("body", "json"),
  col("routeId", "text"),
  col("status", "num"),
  col("durationMs", "num"),
  col("notes", "json"),
  col("traceId", "text"),
  col("signature", "json"),
];

/** Delivery records (plus the derived `url` column, see DELIVERY_URL_COLUMN). */
export const DELIVERY_COLUMNS: readonly Column<DeliveryRecord>[] = [
  col("id", "text"),
  col("webhookId", "text"),
  col("mode", "text"),
  col("sourceKind", "text"),
  col("sourceId", "text"),
  col("request", "json"),
  col("options", "json"),
  col("status", "text"),
  col("attemptCount", "num"),
  col("nextAttemptAt", "num"),
  col("createdAt", "num"),
  col("updatedAt", "num"),
  col("lastStatus", "num"),
  col("lastError", "json"),
  col("traceId", "text"),
  col("replayOf", "text"),
  col("leaseOwner", "text"),
  col("leaseUntil", "num"),
];

/** Attempts of a delivery. */
export const ATTEMPT_COLUMNS: readonly Column<AttemptRecord>[] = [
  col("id", "text"),
  col("deliveryId", "text"),
  col("number", "num"),
  col("startedAt", "num"),
  col("durationMs", "num"),
  col("request", "json"),
  col("response", "json"),
  col("error", "json"),
  col("retryable", "bool"),
  col("nextDelayMs", "num"),
];

/** Run history. */
export const RUN_COLUMNS: readonly Column<RunRecord>[] = [
  col("id", "text"),
  col("kind", "text"),
  col("refId", "text"),
  col("status", "text"),
  col("startedAt", "num"),
  col("finishedAt", "num"),
  col("data", "json"),
];

/** The cluster's member list (postgres only: a single-owner store has no cluster). */
export const MEMBER_COLUMNS: readonly Column<MemberRecord>[] = [
  col("id", "text"),
  col("host", "text"),
  col("port", "num"),
  col("version", "text"),
  col("pid", "num"),
  col("startedAt", "num"),
  col("heartbeatAt", "num"),
  col("stoppedAt", "num"),
];

/** Shared run-time state, one row per (kind, key) (postgres only, as members). */
export const STATE_COLUMNS: readonly Column<SharedChange>[] = [
  col("kind", "text"),
  col("key", "text"),
  col("version", "num"),
  col("seq", "num"),
  col("body", "json"),
  col("origin", "text"),
  col("at", "num"),
];

/**
 * Deliveries also keep `request.url` in a plain `url` column, kept in step on insert and on
 * every update that replaces `request`: the URL filter needs it, and postgres cannot read a
 * field out of JSON text that holds an escaped NUL anywhere else (a body may).
 */
export const DELIVERY_URL_COLUMN = "url";

/** How each kind's list filter maps to SQL (see listQuery in sql-where.ts). */
export const JOURNAL_FILTER: FilterConditions<JournalFilter> = { method: "method = {}", path: "path = {}", routeId: "route_id = {}", since: "time >= {}" };
export const DELIVERY_FILTER: FilterConditions<DeliveryFilter> = {
  status: "status = {}",
  url: { contains: DELIVERY_URL_COLUMN },
  sourceKind: "source_kind = {}",
  sourceId: "source_id = {}",
  since: "created_at >= {}",
};
export const RUN_FILTER: FilterConditions<RunFilter> = { kind: "kind = {}", refId: "ref_id = {}", status: "status = {}", since: "started_at >= {}" };
