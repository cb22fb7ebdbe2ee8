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
 * The flush runs after this loop iteration's check phase. That is where undici writes a request
 * on a reused keep-alive socket (from an immediate: it first lets bytes pending on the idle
 * socket arrive); a flush queued as one immediate would run before those writes and hold every
 * webhook of the turn behind the commit. Two ways to wait, chosen by the last batch's size:
 * - busy (the last batch held more than one write): a zero-delay timer, which Node runs after
 *   at least 1 ms. That ms gathers the writes of several turns into one commit under load.
 * - idle (one write): an immediate that queues the flush as a second immediate, so it runs in
 *   the next iteration's check phase, at once. Under the timer a lone webhook waited that 1 ms
 *   twice (its row, then its attempt) before it was answered and sent.
 * It is scheduling, not time, so it is not on the injected clock.
 */
export class WriteBatcher {
  private queue: QueuedWrite[] = [];
  private scheduled = false;
  /** The last batch held more than one write. */
  private busy = false;
  private readonly flushNow = () => this.flush();
  private readonly flushSoon = () => setImmediate(this.flushNow);

  constructor(private readonly db: SqliteDatabase) {}

  write<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        if (this.busy) setTimeout(this.flushNow, 0);
        else setImmediate(this.flushSoon);
      }
    });
  }

  /** Runs every queued write now, in one transaction. */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.busy = batch.length > 1;
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
