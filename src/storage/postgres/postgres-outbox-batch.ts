import { isMockForgeError } from "../../core/errors.js";
import type { AttemptRecord, DeliveryRecord } from "../ports.js";
import { encodeValue, type Column, type Dialect } from "../row-mapping.js";
import { ATTEMPT_COLUMNS, DELIVERY_COLUMNS, DELIVERY_URL_COLUMN } from "../tables.js";
import type { PgDatabase, PgTables } from "./postgres-database.js";
import { jsonRow, recordset, statementName } from "./postgres-json-rows.js";

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
/** Longest an attempt or outcome write waits for a new delivery's write to share a statement with. */
const LAZY_MS = 5;

/**
 * Group commit for the postgres outbox. Each delivery costs three writes (its row, its attempt,
 * its outcome), and one statement per write made the database round trip, not the row, the cost
 * of a webhook: a statement's parse, plan, commit and two context switches dwarf a row.
 * Writes issued while earlier batches are on their way are sent together, as ONE statement
 * (data-modifying CTEs fed by `json_to_recordset`: one parameter per kind, the same text
 * whatever the batch size, so it is prepared once per connection). At most `maxInFlight`
 * batches run at once; under light load each write goes out alone, a new delivery's in the next
 * loop turn, an attempt's or outcome's after at most LAZY_MS.
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
  private lazy: ReturnType<typeof setTimeout> | undefined;
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
    this.name = statementName("outbox", this.sql);
  }

  insert(d: DeliveryRecord): Promise<void> {
    return this.enqueue(this.inserts, d, true);
  }

  addAttempt(a: AttemptRecord): Promise<void> {
    return this.enqueue(this.attempts, a, false);
  }

  update(id: string, patch: Outcome): Promise<void> {
    return this.enqueue(this.outcomes, { id, patch }, false);
  }

  private enqueue<T>(queue: Queued<T>[], value: T, urgent: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      queue.push({ value, resolve, reject });
      this.schedule(urgent);
    });
  }

  /**
   * A new delivery's row is urgent: a request's answer (and the first send) waits for it, so it
   * goes in the next loop turn. An attempt or an outcome is recorded after the webhook went
   * out and holds no sending slot, so it waits up to LAZY_MS for an urgent flush to ride with:
   * under load, most batches then carry all three kinds, a third of the statements.
   */
  private schedule(urgent: boolean): void {
    // A batch ending looks at the queues again (flush's finally).
    if (this.scheduled || this.inFlight >= this.maxInFlight) return;
    if (!urgent) {
      this.lazy ??= setTimeout(() => {
        this.lazy = undefined;
        this.schedule(true);
      }, LAZY_MS);
      return;
    }
    clearTimeout(this.lazy);
    this.lazy = undefined;
    this.scheduled = true;
    // Next loop turn: every write this turn issued (a burst of requests) goes in the same statement.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  /**
   * A finished delivery and its attempts (an awaited call's record), now and outside the
   * batches: one statement, so all or nothing without a transaction's four round trips.
   */
  async writeFinished(d: DeliveryRecord, attempts: readonly AttemptRecord[]): Promise<void> {
    await this.db.query(this.sql, this.params([d], attempts, []), this.name);
  }

  private params(inserts: readonly DeliveryRecord[], attempts: readonly AttemptRecord[], outcomes: readonly { id: string; patch: Outcome }[]): string[] {
    const d = this.dialect;
    return [
      JSON.stringify(inserts.map((r) => jsonRow(r, DELIVERY_COLUMNS, d, { [DELIVERY_URL_COLUMN]: encodeValue(r.request.url, "text", d) }))),
      JSON.stringify(attempts.map((a) => jsonRow(a, ATTEMPT_COLUMNS, d))),
      JSON.stringify(outcomes.map((o) => jsonRow({ id: o.id, ...o.patch } as DeliveryRecord, OUTCOME_COLUMNS, d))),
    ];
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
      if (this.inserts.length > 0) this.schedule(true);
      else if (this.attempts.length + this.outcomes.length > 0) this.schedule(false);
    }
  }

  private async run(inserts: Queued<DeliveryRecord>[], attempts: Queued<AttemptRecord>[], outcomes: Queued<{ id: string; patch: Outcome }>[]): Promise<void> {
    const all: Queued<unknown>[] = [...inserts, ...attempts, ...outcomes] as Queued<unknown>[];
    if (all.length === 1) {
      // Alone: the plain statement, which also reports its own error.
      await settle(all[0]!, () => (inserts[0] ? this.single.insert(inserts[0].value) : attempts[0] ? this.single.addAttempt(attempts[0].value) : this.single.update(outcomes[0]!.value.id, outcomes[0]!.value.patch)));
      return;
    }
    const params = this.params(
      inserts.map((q) => q.value),
      attempts.map((q) => q.value),
      outcomes.map((q) => q.value),
    );
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

/**
 * The one statement of a batch: new deliveries, attempts, outcomes (any of them empty).
 *
 * The outcomes' rows are found through `id = ANY(ARRAY(…))`, not by the join alone: the
 * planner takes a function's rows for 100 whatever the JSON holds, and against a deliveries
 * table of up to some 30,000 rows it then chose a hash join over a sequential scan of the whole
 * table, in every batch. The work of a batch grew with the table, not with the batch, and two
 * members (twice the batches, each half as full) spent twice the database CPU per webhook.
 * `ARRAY(…)` is computed once; `= ANY` of it is an index condition on the unique `id` index.
 */
export function batchSql(t: PgTables): string {
  const names = (cols: readonly Column<never>[]) => cols.map((c) => c.column).join(", ");
  const dCols = names(DELIVERY_COLUMNS as readonly Column<never>[]);
  const aCols = names(ATTEMPT_COLUMNS as readonly Column<never>[]);
  const sets = OUTCOME_COLUMNS.filter((c) => c.column !== "id").map((c) => `${c.column} = r.${c.column}`).join(", ");
  return `WITH new_deliveries AS (
      INSERT INTO ${t.deliveries} (${dCols}, ${DELIVERY_URL_COLUMN})
      SELECT ${dCols}, ${DELIVERY_URL_COLUMN} FROM ${recordset(1, DELIVERY_COLUMNS, [DELIVERY_URL_COLUMN])}
    ), new_attempts AS (
      INSERT INTO ${t.attempts} (${aCols}) SELECT ${aCols} FROM ${recordset(2, ATTEMPT_COLUMNS)}
    ), outcomes AS (
      UPDATE ${t.deliveries} AS d SET ${sets} FROM ${recordset(3, OUTCOME_COLUMNS)}
      WHERE d.id = r.id AND d.id = ANY(ARRAY(SELECT o.id FROM json_to_recordset($3::json) AS o(id text)))
    )
    SELECT 1`;
}
