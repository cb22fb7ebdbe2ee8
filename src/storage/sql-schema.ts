/**
 * The tables both SQL backends create alike: the same columns, indexes and order, written once
 * here with each backend's type and name choices (see sqlite-schema.ts and postgres-schema.ts,
 * which put these in their migrations). A shipped migration never changes: what these return
 * for a backend is exactly the text its migration always had.
 */

/** What differs between the SQL backends in the shared DDL. */
export interface SchemaDialect {
  /** The `seq` column that orders rows by insertion. */
  seqKey: string;
  /** Epoch milliseconds and millisecond counts. */
  ms: string;
  /** Fractional milliseconds (durations). */
  real: string;
  bool: string;
  /** The full name of a table. */
  table(name: "journal" | "deliveries" | "attempts" | "runs"): string;
  /** The full name of an index (postgres prefixes it). */
  index(name: string): string;
}

/** Schema 1: the journal, the outbox (deliveries and attempts) and run history. */
export function firstSchema(d: SchemaDialect): string {
  const [J, D, A, R] = [d.table("journal"), d.table("deliveries"), d.table("attempts"), d.table("runs")];
  return `
  CREATE TABLE ${J} (
    seq ${d.seqKey},
    id TEXT NOT NULL UNIQUE,
    time ${d.ms} NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    url TEXT NOT NULL,
    query TEXT NOT NULL,
    params TEXT NOT NULL,
    headers TEXT NOT NULL,
    raw_body TEXT NOT NULL,
    raw_body_encoding TEXT NOT NULL,
    body TEXT NOT NULL,
    route_id TEXT,
    status INTEGER NOT NULL,
    duration_ms ${d.real} NOT NULL,
    notes TEXT NOT NULL,
    trace_id TEXT
  );
  CREATE INDEX ${d.index("journal_time")} ON ${J} (time, seq);
  CREATE INDEX ${d.index("journal_path")} ON ${J} (path, time);
  CREATE INDEX ${d.index("journal_method")} ON ${J} (method, time);
  CREATE INDEX ${d.index("journal_route")} ON ${J} (route_id, time);

  CREATE TABLE ${D} (
    seq ${d.seqKey},
    id TEXT NOT NULL UNIQUE,
    webhook_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    source_kind TEXT NOT NULL,
    source_id TEXT,
    request TEXT NOT NULL,
    url TEXT NOT NULL,
    options TEXT NOT NULL,
    status TEXT NOT NULL,
    attempt_count INTEGER NOT NULL,
    next_attempt_at ${d.ms},
    created_at ${d.ms} NOT NULL,
    updated_at ${d.ms} NOT NULL,
    last_status INTEGER,
    last_error TEXT NOT NULL,
    trace_id TEXT,
    replay_of TEXT
  );
  CREATE INDEX ${d.index("deliveries_due")} ON ${D} (status, next_attempt_at);
  CREATE INDEX ${d.index("deliveries_created")} ON ${D} (created_at, seq);

  CREATE TABLE ${A} (
    id TEXT PRIMARY KEY,
    delivery_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    started_at ${d.ms} NOT NULL,
    duration_ms ${d.real} NOT NULL,
    request TEXT NOT NULL,
    response TEXT NOT NULL,
    error TEXT NOT NULL,
    retryable ${d.bool} NOT NULL,
    next_delay_ms ${d.ms}
  );
  CREATE INDEX ${d.index("attempts_delivery")} ON ${A} (delivery_id, number);

  CREATE TABLE ${R} (
    seq ${d.seqKey},
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    ref_id TEXT NOT NULL,
    status TEXT NOT NULL,
    started_at ${d.ms} NOT NULL,
    finished_at ${d.ms},
    data TEXT NOT NULL
  );
  CREATE INDEX ${d.index("runs_kind_ref")} ON ${R} (kind, ref_id, started_at);
  CREATE INDEX ${d.index("runs_started")} ON ${R} (started_at, seq);
  `;
}

/**
 * Leases: an in-flight delivery names the instance sending it and until when; a run names the
 * instance running it. Rows written before this have no lease: expired.
 */
export function leaseColumns(d: SchemaDialect): string {
  return `
  ALTER TABLE ${d.table("deliveries")} ADD COLUMN lease_owner TEXT;
  ALTER TABLE ${d.table("deliveries")} ADD COLUMN lease_until ${d.ms};
  CREATE INDEX ${d.index("deliveries_lease")} ON ${d.table("deliveries")} (status, lease_until);
  ALTER TABLE ${d.table("runs")} ADD COLUMN owner TEXT;
  `;
}
