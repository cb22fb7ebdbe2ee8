import { schemaTooNew } from "../storage-errors.js";
import type { SqliteDatabase } from "./sqlite-database.js";

/**
 * Schema migrations, applied in order at open. Each entry moves the schema from version
 * i to i+1; never edit a shipped entry, append a new one.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE journal (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    time INTEGER NOT NULL,
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
    duration_ms REAL NOT NULL,
    notes TEXT NOT NULL,
    trace_id TEXT
  );
  CREATE INDEX journal_time ON journal (time, seq);
  CREATE INDEX journal_path ON journal (path, time);
  CREATE INDEX journal_method ON journal (method, time);
  CREATE INDEX journal_route ON journal (route_id, time);

  CREATE TABLE deliveries (
    seq INTEGER PRIMARY KEY,
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
    next_attempt_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_status INTEGER,
    last_error TEXT NOT NULL,
    trace_id TEXT,
    replay_of TEXT
  );
  CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
  CREATE INDEX deliveries_created ON deliveries (created_at, seq);

  CREATE TABLE attempts (
    id TEXT PRIMARY KEY,
    delivery_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    duration_ms REAL NOT NULL,
    request TEXT NOT NULL,
    response TEXT NOT NULL,
    error TEXT NOT NULL,
    retryable INTEGER NOT NULL,
    next_delay_ms INTEGER
  );
  CREATE INDEX attempts_delivery ON attempts (delivery_id, number);

  CREATE TABLE runs (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    ref_id TEXT NOT NULL,
    status TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    data TEXT NOT NULL
  );
  CREATE INDEX runs_kind_ref ON runs (kind, ref_id, started_at);
  CREATE INDEX runs_started ON runs (started_at, seq);
  `,
  // 2: the journal moved to a file of its own, written by a worker thread (journal-file.ts).
  `
  DROP TABLE IF EXISTS journal;
  `,
  // 3: leases. An in-flight delivery names the instance sending it and until when; a run
  // names the instance running it. Rows written before this have no lease: expired.
  `
  ALTER TABLE deliveries ADD COLUMN lease_owner TEXT;
  ALTER TABLE deliveries ADD COLUMN lease_until INTEGER;
  CREATE INDEX deliveries_lease ON deliveries (status, lease_until);
  ALTER TABLE runs ADD COLUMN owner TEXT;
  `,
  // 4: attempt numbers unique per delivery. A kill -9 between recording an attempt and
  // counting it on the delivery let the resumed delivery reuse the number; files written
  // before this may hold such twins: renumbered in the order they ran, and every delivery's
  // count raised to its highest attempt, before the constraint goes on.
  `
  UPDATE attempts SET number = (
    SELECT r.rn FROM (
      SELECT id, ROW_NUMBER() OVER (PARTITION BY delivery_id ORDER BY number, started_at, id) AS rn FROM attempts
    ) AS r WHERE r.id = attempts.id
  )
  WHERE delivery_id IN (SELECT delivery_id FROM attempts GROUP BY delivery_id, number HAVING COUNT(*) > 1);
  UPDATE deliveries SET attempt_count = (SELECT MAX(number) FROM attempts WHERE delivery_id = deliveries.id)
  WHERE attempt_count < (SELECT MAX(number) FROM attempts WHERE delivery_id = deliveries.id);
  DROP INDEX IF EXISTS attempts_delivery;
  CREATE UNIQUE INDEX attempts_delivery_number ON attempts (delivery_id, number);
  `,
];

/** The schema version this code writes. */
export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the state file's schema up to date, in one IMMEDIATE transaction so two processes
 * opening a new file at once do not both create it.
 */
export function migrateSqlite(db: SqliteDatabase): void {
  applyMigrations(db, MIGRATIONS, "state file");
}

/** Applies the `migrations` a file has not had yet, recording each in `schema_version`. */
export function applyMigrations(db: SqliteDatabase, migrations: readonly string[], what: string): void {
  db.transaction(() => {
    db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    const row = db.get("SELECT MAX(version) AS v FROM schema_version");
    const current = typeof row?.v === "number" ? row.v : 0;
    if (current > migrations.length) {
      throw schemaTooNew(`sqlite ${what} '${db.path}'`, current, migrations.length, "Upgrade MockForge, or point storage at another file.");
    }
    for (let v = current; v < migrations.length; v++) {
      db.exec(migrations[v]!);
      db.run("INSERT INTO schema_version (version) VALUES (?)", [v + 1]);
    }
  });
}
