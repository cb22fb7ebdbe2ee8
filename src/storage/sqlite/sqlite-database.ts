import Database from "libsql";
import { driverErrorCode, storageFailure } from "../storage-errors.js";
import { ensureStateFolder } from "./ensure-folder.js";

type Row = Record<string, unknown>;

/**
 * A thin layer over one libsql connection: cached prepared statements, and positional
 * parameters always passed as ONE array (libsql treats a lone `null` or object argument
 * as named parameters, so `get(null)` would fail).
 */
export class SqliteDatabase {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(readonly path: string, busyTimeoutMs: number) {
    if (path !== ":memory:") ensureStateFolder(path);
    try {
      this.db = new Database(path, { timeout: busyTimeoutMs });
      // WAL lets the CLI read while a server writes; NORMAL keeps commits durable across a
      // process crash (only an OS crash can lose the last transactions) at a fraction of FULL's cost.
      this.db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
      this.db.exec("PRAGMA journal_mode = WAL");
      this.db.exec("PRAGMA synchronous = NORMAL");
    } catch (e) {
      throw storageFailure("sqlite", `open '${path}'`, e, "Check that the folder is writable and the file is a SQLite database.");
    }
  }

  all(sql: string, params: readonly unknown[] = []): Row[] {
    return this.wrap(() => this.statement(sql).all([...params]) as Row[]);
  }

  get(sql: string, params: readonly unknown[] = []): Row | undefined {
    return this.wrap(() => this.statement(sql).get([...params]) as Row | undefined);
  }

  run(sql: string, params: readonly unknown[] = []): number {
    return this.wrap(() => this.statement(sql).run([...params]).changes);
  }

  exec(sql: string): void {
    this.wrap(() => this.db.exec(sql));
  }

  /** The value of a pragma, read as a plain row (libsql's `simple` option still returns an object). */
  pragma(name: string): unknown {
    const row = this.get(`PRAGMA ${name}`);
    return row ? row[Object.keys(row).find((k) => k !== "_metadata")!] : undefined;
  }

  /**
   * Runs `fn` in one transaction. IMMEDIATE takes the write lock up front, so two processes
   * never both read and then fail to upgrade to a writer (SQLITE_BUSY mid-transaction).
   */
  transaction<T>(fn: () => T): T {
    return this.wrap(() => this.db.transaction(fn).immediate());
  }

  close(): void {
    this.statements.clear();
    if (this.db.open) this.db.close();
  }

  private wrap<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw storageFailure("sqlite", `use '${this.path}'`, e, busyHint(e));
    }
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}

/** True for a unique/primary-key violation from libsql (wrapped or not). */
export function isSqliteConstraint(e: unknown): boolean {
  return driverErrorCode(e)?.startsWith("SQLITE_CONSTRAINT") ?? false;
}

function busyHint(e: unknown): string | undefined {
  const code = driverErrorCode(e);
  return code?.startsWith("SQLITE_BUSY") || code?.startsWith("SQLITE_LOCKED")
    ? "Another process holds a long lock on the state file; retry, or raise busyTimeoutMs."
    : undefined;
}
