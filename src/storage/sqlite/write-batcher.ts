import type { SqliteDatabase } from "./sqlite-database.js";

interface QueuedWrite {
  fn: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for the outbox. Writes issued in the same event-loop turn (a burst of requests
 * each queuing a webhook, attempts finishing together) run in ONE transaction at the end of
 * the turn instead of one commit each: a commit costs more than the row it writes. One failing
 * write (a duplicate id) rejects only its caller: the batch then runs again with a savepoint
 * per write. Every promise resolves only after the commit: "durable when it resolves" holds.
 * A write must touch only the database (it may run twice: once in a batch rolled back).
 * Readers call `flush()` first, so a read always sees the writes issued before it.
 *
 * The flush runs from a zero-delay timer: at the start of the next loop iteration, after this
 * one's check phase. That is where undici writes a request on a reused keep-alive socket (from
 * an immediate: it first lets bytes pending on the idle socket arrive); a flush queued as an
 * immediate would run before those writes and hold every webhook of the turn behind the
 * commit. It is scheduling, not time, so it is not on the injected clock.
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
    let values: unknown[];
    try {
      // The common case, every write succeeding, runs without savepoints: two more statements
      // per write cost as much as the writes themselves (a third of the outbox's CPU).
      values = this.db.transaction(() => batch.map((w) => w.fn()));
    } catch {
      // One write failed (the transaction rolled back whole) or the commit did: run the batch
      // again with a savepoint per write, so only the failing write is rejected.
      this.flushIsolated(batch);
      return;
    }
    batch.forEach((w, i) => w.resolve(values[i]));
  }

  private flushIsolated(batch: QueuedWrite[]): void {
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
