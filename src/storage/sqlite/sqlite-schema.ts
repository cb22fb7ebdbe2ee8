import { schemaTooNew } from "../storage-errors.js";
import { firstSchema, leaseColumns, type SchemaDialect } from "../sql-schema.js";
import type { SqliteDatabase } from "./sqlite-database.js";

/** sqlite's column types: integers for epoch ms and booleans; tables and indexes by their plain names. */
const SQLITE_DDL: SchemaDialect = { seqKey: "INTEGER PRIMARY KEY", ms: "INTEGER", real: "REAL", bool: "INTEGER", table: (name) => name, index: (name) => name };

/**
 * Schema migrations, applied in order at open. Each entry moves the schema from version
 * i to i+1; never edit a shipped entry, append a new one.
 */
const MIGRATIONS: readonly string[] = [
  firstSchema(SQLITE_DDL),
  // 2: the journal moved to a file of its own, written by a worker thread (journal-file.ts).
  `
  DROP TABLE IF EXISTS journal;
  `,
  // 3: leases (see leaseColumns).
  leaseColumns(SQLITE_DDL),
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
