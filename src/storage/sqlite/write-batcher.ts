import type { SqliteDatabase } from "./sqlite-database.js";

interface QueuedWrite {
  fn: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for the outbox. Writes issued in the same event-loop turn (a burst of requests
 * each queuing a webhook, attempts finishing together) run in ONE transaction at the end of
 * the turn instead of one commit each: a commit costs more than the row it writes. Each write
 * runs in its own savepoint, so one failing write (a duplicate id) rejects only its caller,
 * and every promise resolves only after the commit: "durable when it resolves" still holds.
 * Readers call `flush()` first, so a read always sees the writes issued before it.
 *
 * `setImmediate` is scheduling, not time. The flush runs in the check phase of the NEXT loop
 * iteration, not this one: undici writes a request on a reused keep-alive socket from an
 * immediate queued in this iteration (it first lets pending bytes on the idle socket arrive),
 * so a flush queued here would run first and hold every webhook of the turn behind the commit.
 * Deferring it lets those sends go out first and gathers one more turn of writes per commit.
 */
export class WriteBatcher {
  private queue: QueuedWrite[] = [];
  private scheduled = false;

  constructor(private readonly db: SqliteDatabase) {}

  write<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setTimeout(() => this.flush(), 0);
      }
    });
  }

  /** Runs every queued write now, in one transaction. */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const results: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.db.transaction(() => {
        for (const w of batch) {
          this.db.exec("SAVEPOINT mf_write");
          try {
            results.push({ ok: true, value: w.fn() });
            this.db.exec("RELEASE mf_write");
          } catch (error) {
            this.db.exec("ROLLBACK TO mf_write");
            this.db.exec("RELEASE mf_write");
            results.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // The commit itself failed: nothing in the batch is stored.
      for (const w of batch) w.reject(error);
      return;
    }
    batch.forEach((w, i) => {
      const r = results[i]!;
      if (r.ok) w.resolve(r.value);
      else w.reject(r.error);
    });
  }
}
