import pg from "pg";
import type { Logger } from "../../core/logger.js";
import { driverErrorCode, storageFailure } from "../storage-errors.js";

type Row = Record<string, unknown>;

/** The qualified, quoted table names of one store (a schema and a table prefix). */
export interface PgTables {
  journal: string;
  deliveries: string;
  attempts: string;
  runs: string;
  members: string;
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
    schemaVersion: q("schema_version"),
    indexPrefix: prefix,
    schema,
  };
}

/** A pool with one error policy: every driver error becomes MFG_ERR_STORAGE with the driver error as cause. */
export class PgDatabase {
  readonly pool: pg.Pool;

  constructor(url: string, poolSize: number, logger: Logger) {
    this.pool = new pg.Pool({ connectionString: url, max: poolSize });
    // An idle client losing its connection emits 'error' on the pool; unhandled, it would crash the process.
    this.pool.on("error", (e) => logger.error({ err: e }, "postgres storage: idle connection failed"));
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<{ rows: Row[]; rowCount: number }> {
    try {
      const r = await this.pool.query(sql, params as unknown[]);
      return { rows: r.rows as Row[], rowCount: r.rowCount ?? 0 };
    } catch (e) {
      throw storageFailure("postgres", "run a query", e, connectionHint(e));
    }
  }

  /** Runs `fn` on one connection inside BEGIN/COMMIT (ROLLBACK on error). */
  async transaction<T>(fn: (query: PgDatabase["query"]) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw storageFailure("postgres", "connect", e, connectionHint(e));
    }
    const query: PgDatabase["query"] = async (sql, params = []) => {
      try {
        const r = await client.query(sql, params as unknown[]);
        return { rows: r.rows as Row[], rowCount: r.rowCount ?? 0 };
      } catch (e) {
        throw storageFailure("postgres", "run a query", e, connectionHint(e));
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

function connectionHint(e: unknown): string | undefined {
  const code = driverErrorCode(e);
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ETIMEDOUT") {
    return "Check that PostgreSQL is running and the storage URL (host, port, database) is right.";
  }
  if (code === "28P01" || code === "28000") return "Check the user name and password in the storage URL.";
  if (code === "3D000") return "Create the database named in the storage URL first (createdb <name>).";
  return undefined;
}
