import { createHash } from "node:crypto";
import { isMockForgeError } from "../../core/errors.js";
import type { AttemptRecord, DeliveryRecord } from "../ports.js";
import { encodeValue, type Column, type Dialect } from "../row-mapping.js";
import { ATTEMPT_COLUMNS, DELIVERY_COLUMNS, DELIVERY_URL_COLUMN } from "../tables.js";
import type { PgDatabase, PgTables } from "./postgres-database.js";

/** The fields the delivery engine writes when an attempt ends (its `finish`): batched when a patch has exactly these. */
export const OUTCOME_FIELDS = ["status", "attemptCount", "nextAttemptAt", "lastStatus", "lastError", "leaseOwner", "leaseUntil", "updatedAt"] as const;
type Outcome = Pick<DeliveryRecord, (typeof OUTCOME_FIELDS)[number]>;

/** The statements of one write when it runs alone (the usual path, and the fallback of a failed batch). */
export interface SingleWrites {
  insert(d: DeliveryRecord): Promise<void>;
  addAttempt(a: AttemptRecord): Promise<void>;
  update(id: string, patch: Partial<Omit<DeliveryRecord, "id">>): Promise<void>;
}

interface Queued<T> {
  value: T;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Most writes of one kind in one statement: bounds the JSON parameter and the statement's time. */
const MAX_BATCH = 500;

/**
 * Group commit for the postgres outbox. Each delivery costs three writes (its row, its attempt,
 * its outcome), and one statement per write made the database round trip, not the row, the cost
 * of a webhook: a statement's parse, plan, commit and two context switches dwarf a row.
 * Writes issued while earlier batches are on their way are sent together, as ONE statement
 * (data-modifying CTEs fed by `json_to_recordset`: one parameter per kind, the same text
 * whatever the batch size, so it is prepared once per connection). At most `maxInFlight`
 * batches run at once; under light load each write goes out in the next loop turn, alone.
 *
 * Each write resolves once its statement committed ("durable when it resolves" still holds).
 * A batch that fails on data (a duplicate id, an attempt number taken) is run again write by
 * write, so only the faulty write is rejected, with the error its single statement gives; a
 * batch that fails because the database is away rejects every write in it.
 */
export class PgOutboxBatcher {
  private inserts: Queued<DeliveryRecord>[] = [];
  private attempts: Queued<AttemptRecord>[] = [];
  private outcomes: Queued<{ id: string; patch: Outcome }>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly sql: string;
  private readonly name: string;

  constructor(
    private readonly db: PgDatabase,
    t: PgTables,
    private readonly dialect: Dialect,
    private readonly single: SingleWrites,
    private readonly maxInFlight = 2,
  ) {
    this.sql = batchSql(t);
    this.name = `mf_outbox_${createHash("sha1").update(this.sql).digest("hex").slice(0, 16)}`;
  }

  insert(d: DeliveryRecord): Promise<void> {
    return this.enqueue(this.inserts, d);
  }

  addAttempt(a: AttemptRecord): Promise<void> {
    return this.enqueue(this.attempts, a);
  }

  update(id: string, patch: Outcome): Promise<void> {
    return this.enqueue(this.outcomes, { id, patch });
  }

  private enqueue<T>(queue: Queued<T>[], value: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      queue.push({ value, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    // Next loop turn: every write this turn issued (a burst of requests, attempts ending
    // together) goes in the same statement.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const inserts = this.inserts.splice(0, MAX_BATCH);
    const attempts = this.attempts.splice(0, MAX_BATCH);
    const outcomes = this.outcomes.splice(0, MAX_BATCH);
    if (inserts.length + attempts.length + outcomes.length === 0) return;
    this.inFlight++;
    try {
      await this.run(inserts, attempts, outcomes);
    } finally {
      this.inFlight--;
      if (this.inserts.length + this.attempts.length + this.outcomes.length > 0) this.schedule();
    }
  }

  private async run(inserts: Queued<DeliveryRecord>[], attempts: Queued<AttemptRecord>[], outcomes: Queued<{ id: string; patch: Outcome }>[]): Promise<void> {
    const all: Queued<unknown>[] = [...inserts, ...attempts, ...outcomes] as Queued<unknown>[];
    if (all.length === 1) {
      // Alone: the plain statement, which also reports its own error.
      await settle(all[0]!, () => (inserts[0] ? this.single.insert(inserts[0].value) : attempts[0] ? this.single.addAttempt(attempts[0].value) : this.single.update(outcomes[0]!.value.id, outcomes[0]!.value.patch)));
      return;
    }
    const rows = (cols: readonly Column<never>[], values: unknown[], extra?: (v: never) => Record<string, unknown>) =>
      JSON.stringify(values.map((v) => jsonRow(v as never, cols, this.dialect, extra)));
    const params = [
      rows(DELIVERY_COLUMNS as readonly Column<never>[], inserts.map((q) => q.value), (d: DeliveryRecord) => ({ [DELIVERY_URL_COLUMN]: encodeValue(d.request.url, "text", this.dialect) })),
      rows(ATTEMPT_COLUMNS as readonly Column<never>[], attempts.map((q) => q.value)),
      rows(OUTCOME_COLUMNS as readonly Column<never>[], outcomes.map((q) => ({ id: q.value.id, ...q.value.patch }))),
    ];
    try {
      await this.db.query(this.sql, params, this.name);
    } catch (e) {
      if (isMockForgeError(e, "MFG_ERR_STORAGE_UNAVAILABLE")) {
        for (const q of all) q.reject(e);
        return;
      }
      // One bad write fails the whole statement: find it by running each alone.
      await Promise.all([
        ...inserts.map((q) => settle(q, () => this.single.insert(q.value))),
        ...attempts.map((q) => settle(q, () => this.single.addAttempt(q.value))),
        ...outcomes.map((q) => settle(q, () => this.single.update(q.value.id, q.value.patch))),
      ]);
      return;
    }
    for (const q of all) q.resolve();
  }
}

async function settle(q: Queued<unknown>, write: () => Promise<void>): Promise<void> {
  try {
    await write();
    q.resolve();
  } catch (e) {
    q.reject(e);
  }
}

const OUTCOME_COLUMNS = DELIVERY_COLUMNS.filter((c) => c.field === "id" || (OUTCOME_FIELDS as readonly string[]).includes(c.field));

/** One record as a JSON object keyed by column, values encoded as the single statements bind them. */
function jsonRow<T>(record: T, cols: readonly Column<T>[], dialect: Dialect, extra?: (v: T) => Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of cols) out[c.column] = encodeValue(record[c.field], c.codec, dialect);
  return extra ? Object.assign(out, extra(record)) : out;
}

/** Column types as the tables have them (postgres-schema.ts), for `json_to_recordset`. */
const INTEGER_COLUMNS = new Set(["attempt_count", "last_status", "number"]);
function sqlType(c: Column<unknown>): string {
  if (c.codec === "bool") return "boolean";
  if (c.codec === "num") return INTEGER_COLUMNS.has(c.column) ? "integer" : "double precision";
  return "text";
}
const recordType = (cols: readonly Column<unknown>[], extra = "") => cols.map((c) => `${c.column} ${sqlType(c)}`).join(", ") + extra;

/** The one statement of a batch: new deliveries, attempts, outcomes (any of them empty). */
function batchSql(t: PgTables): string {
  const dCols = DELIVERY_COLUMNS as readonly Column<unknown>[];
  const aCols = ATTEMPT_COLUMNS as readonly Column<unknown>[];
  const oCols = OUTCOME_COLUMNS as readonly Column<unknown>[];
  const names = (cols: readonly Column<unknown>[]) => cols.map((c) => c.column).join(", ");
  const sets = oCols.filter((c) => c.column !== "id").map((c) => `${c.column} = r.${c.column}`).join(", ");
  return `WITH new_deliveries AS (
      INSERT INTO ${t.deliveries} (${names(dCols)}, ${DELIVERY_URL_COLUMN})
      SELECT ${names(dCols)}, ${DELIVERY_URL_COLUMN} FROM json_to_recordset($1::json) AS r(${recordType(dCols, `, ${DELIVERY_URL_COLUMN} text`)})
    ), new_attempts AS (
      INSERT INTO ${t.attempts} (${names(aCols)})
      SELECT ${names(aCols)} FROM json_to_recordset($2::json) AS r(${recordType(aCols)})
    ), outcomes AS (
      UPDATE ${t.deliveries} AS d SET ${sets}
      FROM json_to_recordset($3::json) AS r(${recordType(oCols)}) WHERE d.id = r.id
    )
    SELECT 1`;
}
