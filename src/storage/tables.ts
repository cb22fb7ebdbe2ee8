import type { AttemptRecord, DeliveryRecord, JournalEntry, RunRecord } from "./ports.js";
import { col, type Column } from "./row-mapping.js";

/**
 * Column layouts of the four tables, shared by the SQL backends. Fields that filters and
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

/**
 * Deliveries also keep `request.url` in a plain `url` column, kept in step on insert and on
 * every update that replaces `request`: the URL filter needs it, and postgres cannot read a
 * field out of JSON text that holds an escaped NUL anywhere else (a body may).
 */
export const DELIVERY_URL_COLUMN = "url";
