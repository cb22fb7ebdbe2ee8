import type { PgDatabase, PgTables } from "./postgres-database.js";
import { firstSchema, leaseColumns, type SchemaDialect } from "../sql-schema.js";
import { schemaTooNew } from "../storage-errors.js";

/** postgres's column types (see MIGRATIONS), tables by their prefixed, schema-qualified names. */
const pgDdl = (t: PgTables): SchemaDialect => ({
  seqKey: "BIGSERIAL PRIMARY KEY",
  ms: "DOUBLE PRECISION",
  real: "DOUBLE PRECISION",
  bool: "BOOLEAN",
  table: (name) => t[name],
  index: (name) => `${t.indexPrefix}${name}`,
});

/**
 * Schema migrations for postgres, applied in order at open. Numbers are DOUBLE PRECISION
 * (exact for epoch ms, and node-postgres returns them as numbers, unlike BIGINT); nested
 * values are JSON text, so every value round-trips exactly as in sqlite.
 */
const MIGRATIONS: readonly ((t: PgTables) => string)[] = [
  (t) => firstSchema(pgDdl(t)),
  // 2: leases (an in-flight delivery names the member sending it and until when; a run names
  // the member running it) and the member list. Rows written before this have no lease: expired.
  (t) => `${leaseColumns(pgDdl(t))}
  CREATE TABLE ${t.members} (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    port INTEGER NOT NULL,
    version TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at DOUBLE PRECISION NOT NULL,
    heartbeat_at DOUBLE PRECISION NOT NULL,
    stopped_at DOUBLE PRECISION
  );
  CREATE SEQUENCE ${t.stateSeq};
  CREATE TABLE ${t.state} (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    version BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    body TEXT NOT NULL,
    origin TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (kind, key)
  );
  CREATE INDEX ${t.indexPrefix}state_order ON ${t.state} (seq);
  -- Wake-up: a delivery that becomes pending (new, retried, re-queued) tells every member,
  -- so whichever has a free slot claims it without waiting for its poll.
  CREATE FUNCTION "${t.schema}"."${t.indexPrefix}notify_due"() RETURNS trigger LANGUAGE plpgsql AS $fn$
  BEGIN
    PERFORM pg_notify('${t.dueChannel}', COALESCE(NEW.next_attempt_at::bigint::text, ''));
    RETURN NULL;
  END
  $fn$;
  CREATE TRIGGER ${t.indexPrefix}deliveries_due AFTER INSERT OR UPDATE OF status ON ${t.deliveries}
    FOR EACH ROW WHEN (NEW.status = 'pending') EXECUTE FUNCTION "${t.schema}"."${t.indexPrefix}notify_due"();
  `,
  // 3: a route's `verify` outcome (JSON; null when the route checks no signature).
  (t) => `ALTER TABLE ${t.journal} ADD COLUMN signature TEXT`,
  // 4: attempt numbers unique per delivery. A kill -9 between recording an attempt and
  // counting it on the delivery let the resumed delivery reuse the number; tables written
  // before this may hold such twins: renumbered in the order they ran, and every delivery's
  // count raised to its highest attempt, before the constraint goes on.
  (t) => `
  UPDATE ${t.attempts} AS a SET number = r.rn
  FROM (
    SELECT id, ROW_NUMBER() OVER (PARTITION BY delivery_id ORDER BY number, started_at, id) AS rn FROM ${t.attempts}
    WHERE delivery_id IN (SELECT delivery_id FROM ${t.attempts} GROUP BY delivery_id, number HAVING COUNT(*) > 1)
  ) AS r
  WHERE a.id = r.id AND a.number <> r.rn;
  UPDATE ${t.deliveries} AS d SET attempt_count = m.top
  FROM (SELECT delivery_id, MAX(number) AS top FROM ${t.attempts} GROUP BY delivery_id) AS m
  WHERE m.delivery_id = d.id AND d.attempt_count < m.top;
  DROP INDEX IF EXISTS "${t.schema}".${t.indexPrefix}attempts_delivery;
  CREATE UNIQUE INDEX ${t.indexPrefix}attempts_delivery_number ON ${t.attempts} (delivery_id, number);
  `,
  // 5: the fan-out budget counted across members, one row per trace that crossed a member.
  // UNLOGGED: counts are worth no WAL; a crash of the database empties the table, which can only
  // let a loop that is running at that moment make its budget of calls once more.
  (t) => `
  CREATE UNLOGGED TABLE IF NOT EXISTS ${t.traceCounts} (
    trace_id TEXT PRIMARY KEY,
    n INTEGER NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL
  );
  CREATE INDEX IF NOT EXISTS ${t.indexPrefix}trace_counts_updated ON ${t.traceCounts} (updated_at);
  `,
];

/** The schema version this code writes. */
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Creates or upgrades the tables. An advisory lock per schema serialises instances that
 * start at the same moment, so only one of them creates the tables.
 */
export async function migratePostgres(db: PgDatabase, t: PgTables): Promise<void> {
  await db.transaction(async (query) => {
    await query("SELECT pg_advisory_xact_lock(hashtext($1))", [`mockforge-schema:${t.schema}`]);
    await query(`CREATE SCHEMA IF NOT EXISTS "${t.schema}"`);
    await query(`CREATE TABLE IF NOT EXISTS ${t.schemaVersion} (version INTEGER NOT NULL)`);
    const { rows } = await query(`SELECT MAX(version) AS v FROM ${t.schemaVersion}`);
    const current = rows[0]?.v === null || rows[0]?.v === undefined ? 0 : Number(rows[0].v);
    if (current > MIGRATIONS.length) {
      throw schemaTooNew(`postgres table ${t.schemaVersion}`, current, MIGRATIONS.length, "Upgrade MockForge, or use another table prefix.");
    }
    for (let v = current; v < MIGRATIONS.length; v++) {
      await query(MIGRATIONS[v]!(t));
      await query(`INSERT INTO ${t.schemaVersion} (version) VALUES ($1)`, [v + 1]);
    }
  });
}
