import { systemClock, type Clock } from "../../core/clock.js";
import { MockForgeError } from "../../core/errors.js";
import { silentLogger, type Logger } from "../../core/logger.js";
import type { Storage } from "../ports.js";
import { newInstanceId } from "../instance-id.js";
import { PgDatabase, pgTables } from "./postgres-database.js";
import { createPostgresDeliveries } from "./postgres-deliveries.js";
import { createPostgresJournal } from "./postgres-journal.js";
import { createPostgresRuns } from "./postgres-runs.js";
import { createPostgresMembers } from "./postgres-members.js";
import { createPostgresSharedState } from "./postgres-shared-state.js";
import { createPostgresSignals } from "./postgres-signals.js";
import { createPostgresTraceCounts } from "./postgres-trace-counts.js";
import { migratePostgres } from "./postgres-schema.js";

/** Options of `createPostgresStorage`; all optional. */
export interface PostgresStorageOptions {
  /** Prepended to every table name, so one database can hold several stores. Default `mockforge_`. */
  tablePrefix?: string;
  /** Schema holding the tables, created if absent. Default `public`. */
  schema?: string;
  /** Most connections the pool opens. Default 5. */
  poolSize?: number;
  /** Drives the journal's flush timer. Default: the system clock. */
  clock?: Clock;
  /** Where background failures (journal writes, dropped idle connections) are reported. */
  logger?: Logger;
  /** Longest a journal entry waits in memory before it is written. Default 20 ms. */
  journalFlushMs?: number;
  /** Journal entries per INSERT, and the count that triggers an immediate write. Default 200. */
  journalBatchSize?: number;
  /** This process's id in the store (see `Storage.instanceId`). Default: a fresh one. */
  instanceId?: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The shared store: PostgreSQL through a `pg` pool. Several MockForge instances may point at
 * the same database and prefix: the outbox is claimed with FOR UPDATE SKIP LOCKED.
 * Tables are created if absent.
 *
 * @example
 * const storage = await createPostgresStorage("postgres://mf@127.0.0.1:5432/mockforge", { tablePrefix: "staging_" });
 * const due = await storage.deliveries.claimDue(clock.now(), 10);
 * await storage.close();
 */
export async function createPostgresStorage(url: string, opts: PostgresStorageOptions = {}): Promise<Storage> {
  const prefix = opts.tablePrefix ?? "mockforge_";
  const schema = opts.schema ?? "public";
  for (const [what, value] of [["tablePrefix", prefix], ["schema", schema]] as const) {
    if (!IDENTIFIER.test(value)) {
      throw new MockForgeError("MFG_ERR_STORAGE_UNSUPPORTED", `postgres ${what} '${value}' is not a plain SQL identifier`, {
        hint: "Use letters, digits and underscores only, not starting with a digit (for example `mockforge_`).",
      });
    }
  }
  const logger = opts.logger ?? silentLogger;
  const db = new PgDatabase(url, opts.poolSize ?? 5, logger);
  const tables = pgTables(schema, prefix);
  const instanceId = opts.instanceId ?? newInstanceId();
  try {
    await migratePostgres(db, tables);
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
  const journal = createPostgresJournal(db, tables, {
    clock: opts.clock ?? systemClock,
    logger,
    flushMs: opts.journalFlushMs ?? 20,
    batchSize: opts.journalBatchSize ?? 200,
  });
  const clock = opts.clock ?? systemClock;
  const signals = createPostgresSignals(url, db, { due: tables.dueChannel, state: tables.stateChannel }, clock, logger);
  let closed = false;
  return {
    description: redactPassword(url),
    shared: true,
    instanceId,
    journal,
    deliveries: createPostgresDeliveries(db, tables),
    runs: createPostgresRuns(db, tables, instanceId),
    members: createPostgresMembers(db, tables),
    signals,
    sharedState: createPostgresSharedState(db, tables),
    traceCounts: createPostgresTraceCounts(db, tables, logger),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await signals.close();
        await journal.close();
      } finally {
        await db.close();
      }
    },
  };
}

/** The URL without its password: descriptions end up in logs and the admin API. */
export function redactPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
  }
}
