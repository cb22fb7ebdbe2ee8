import { createRequire } from "node:module";
import type pg from "pg";

/** pg, loaded only when a postgres store is opened: every other start skips its import. */
const loadPg = () => createRequire(import.meta.url)("pg") as typeof pg;
import type { Logger } from "../../core/logger.js";
import { MockForgeError } from "../../core/errors.js";
import { driverErrorCode, storageFailure } from "../storage-errors.js";

type Row = Record<string, unknown>;

/** The qualified, quoted table names of one store (a schema and a table prefix). */
export interface PgTables {
  journal: string;
  deliveries: string;
  attempts: string;
  runs: string;
  members: string;
  /** Shared run-time state (routes, chains… changed through any member's admin API). */
  state: string;
  /** The sequence that orders shared state changes. */
  stateSeq: string;
  /** Outbound calls per trace (the fan-out budget across members). */
  traceCounts: string;
  /** NOTIFY channels (plain strings, quoted where they are used as identifiers). */
  dueChannel: string;
  stateChannel: string;
  schemaVersion: string;
  /** Prefix for index names (unquoted; indexes live in the tables' schema). */
  indexPrefix: string;
  /** The schema that holds the tables (for CREATE SCHEMA and the migration lock). */
  schema: string;
}

/** Names for `schema` (default `public`) and `prefix`, which must be plain identifiers. */
export function pgTables(schema: string, prefix: string): PgTables {
  const q = (name: string) => `"${schema}"."${prefix}${name}"`;
  return {
    journal: q("journal"),
    deliveries: q("deliveries"),
    attempts: q("attempts"),
    runs: q("runs"),
    members: q("members"),
    state: q("state"),
    stateSeq: q("state_seq"),
    traceCounts: q("trace_counts"),
    // Channel names are identifiers (63 bytes at most): the schema and prefix keep clusters on one database apart.
    dueChannel: `${schema}.${prefix}due`.slice(0, 63),
    stateChannel: `${schema}.${prefix}state`.slice(0, 63),
    schemaVersion: q("schema_version"),
    indexPrefix: prefix,
    schema,
  };
}

/** A pool with one error policy: every driver error becomes MFG_ERR_STORAGE with the driver error as cause. */
export class PgDatabase {
  readonly pool: pg.Pool;

  constructor(url: string, poolSize: number, logger: Logger) {
    this.pool = new (loadPg().Pool)({ connectionString: url, max: poolSize });
    // An idle client losing its connection emits 'error' on the pool; unhandled, it would crash the process.
    this.pool.on("error", (e) => logger.error({ err: e }, "postgres storage: idle connection failed"));
  }

  /**
   * Runs one statement on a pooled connection. With `name`, it is a named prepared statement:
   * parsed once per connection, then only bound and run (the name must always go with the same text).
   */
  async query(sql: string, params: readonly unknown[] = [], name?: string): Promise<{ rows: Row[]; rowCount: number }> {
    try {
      const r = await (name === undefined ? this.pool.query(sql, params as unknown[]) : this.pool.query({ name, text: sql, values: params as unknown[] }));
      return { rows: r.rows as Row[], rowCount: r.rowCount ?? 0 };
    } catch (e) {
      throw pgFailure("run a query", e);
    }
  }

  /** Runs `fn` on one connection inside BEGIN/COMMIT (ROLLBACK on error). */
  async transaction<T>(fn: (query: PgDatabase["query"]) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw pgFailure("connect", e);
    }
    const query: PgDatabase["query"] = async (sql, params = []) => {
      try {
        const r = await client.query(sql, params as unknown[]);
        return { rows: r.rows as Row[], rowCount: r.rowCount ?? 0 };
      } catch (e) {
        throw pgFailure("run a query", e);
      }
    };
    try {
      await query("BEGIN");
      const result = await fn(query);
      await query("COMMIT");
      return result;
    } catch (e) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** True for a unique violation (wrapped or not). */
export function isPgUniqueViolation(e: unknown): boolean {
  return driverErrorCode(e) === "23505";
}

/**
 * Driver errors that mean "the database is not reachable now" rather than "this query is
 * wrong": refused or reset connections, a server shutting down or starting, a connection the
 * pool lost. They map to MFG_ERR_STORAGE_UNAVAILABLE (503): the caller may retry later.
 */
const UNREACHABLE = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "EPIPE", "57P01", "57P02", "57P03", "08000", "08001", "08003", "08006"]);

function unavailable(e: unknown): boolean {
  const code = driverErrorCode(e);
  if (code !== undefined && UNREACHABLE.has(code)) return true;
  const message = e instanceof Error ? e.message : String(e);
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
}

/** A driver error as MockForge reports it: 503 when the database is away, else MFG_ERR_STORAGE. */
function pgFailure(action: string, e: unknown): MockForgeError {
  if (!unavailable(e)) return storageFailure("postgres", action, e, connectionHint(e));
  const reason = e instanceof Error ? e.message : String(e);
  return new MockForgeError("MFG_ERR_STORAGE_UNAVAILABLE", `postgres storage is unreachable (could not ${action}): ${reason}`, {
    hint: connectionHint(e) ?? "PostgreSQL is away or restarting; MockForge reconnects by itself. Retry in a few seconds.",
  }, { cause: e });
}

function connectionHint(e: unknown): string | undefined {
  const code = driverErrorCode(e);
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ETIMEDOUT") {
    return "Check that PostgreSQL is running and the storage URL (host, port, database) is right.";
  }
  if (code === "28P01" || code === "28000") return "Check the user name and password in the storage URL.";
  if (code === "3D000") return "Create the database named in the storage URL first (createdb <name>).";
  return undefined;
}
