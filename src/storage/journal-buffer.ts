import type { Clock, TimerHandle } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import { MockForgeError } from "../core/errors.js";
import type { JournalEntry } from "./ports.js";

/** How a SQL backend batches journal appends. */
export interface JournalBufferOptions {
  clock: Clock;
  logger: Logger;
  /** Longest an appended entry waits before it is written. */
  flushMs: number;
  /** Entries per write, and the count that triggers a write at once. */
  batchSize: number;
  /** `sqlite`, `postgres`: for messages. */
  backend: string;
  /**
   * Most entries kept in memory while writes fail (default 100,000, ten times the default
   * journal size): past it the oldest are dropped, so a store that stays down cannot exhaust
   * memory. Retention would prune them anyway once the store is back.
   */
  maxBuffered?: number;
}

/** Longest wait between retries of a failing background write. */
const MAX_RETRY_MS = 5000;
const DEFAULT_MAX_BUFFERED = 100_000;

/**
 * Journal appends are the hot path (one per served request), so the SQL backends collect
 * them here and write them in batches: at `batchSize` entries, or `flushMs` after the first
 * one, on the injected clock. Writes run one at a time, in append order. Readers call
 * `flush()` first, so buffering is invisible to them. A failed background write keeps its
 * entries and retries with backoff (logged); the next `flush()` surfaces the error.
 */
export class JournalBuffer {
  private entries: JournalEntry[] = [];
  private timer: TimerHandle | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** A flush queued behind the chain that has not started yet: later callers share it. */
  private queued: Promise<void> | undefined;
  private failures = 0;
  private closed = false;
  /** Entries dropped since the last successful write (for the log line). */
  private dropped = 0;

  constructor(
    private readonly write: (batch: JournalEntry[]) => void | Promise<void>,
    private readonly opts: JournalBufferOptions,
  ) {}

  push(entry: JournalEntry): void {
    if (this.closed) {
      throw new MockForgeError("MFG_ERR_STORAGE", `${this.opts.backend} journal: append after the storage was closed`, {
        hint: "Open the storage again; close() is the last call on a store.",
      });
    }
    // No copy: appending hands the entry over (see JournalStore.append).
    this.entries.push(entry);
    const max = this.opts.maxBuffered ?? DEFAULT_MAX_BUFFERED;
    if (this.entries.length > max) {
      // Drop a tenth at once: one splice per many appends, not one per append.
      const drop = Math.max(1, Math.ceil(max / 10));
      this.entries.splice(0, drop);
      if (this.dropped === 0) {
        this.opts.logger.error({ buffered: this.entries.length, dropped: drop }, `journal: ${this.opts.backend} writes keep failing; dropping the oldest unwritten entries to bound memory`);
      }
      this.dropped += drop;
    }
    if (this.entries.length >= this.opts.batchSize) this.flushInBackground();
    else this.schedule(this.opts.flushMs);
  }

  /** Writes everything buffered so far (after any write in progress). */
  flush(): Promise<void> {
    this.opts.clock.clearTimeout(this.timer);
    this.timer = undefined;
    // A queued flush writes whatever is buffered when it starts, so it covers this caller too;
    // sharing it keeps a burst of appends from queueing one tiny write each.
    if (this.queued) return this.queued;
    const next = this.chain
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.writeAll();
      });
    this.queued = next;
    this.chain = next;
    return next;
  }

  /** Final flush; later pushes throw and no timer is left behind. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  /**
   * Writes the entries buffered when it starts, not those pushed while it awaits: chasing
   * them would write a busy server's journal one entry per transaction. Later entries have
   * their own timer or batch trigger.
   */
  private async writeAll(): Promise<void> {
    let remaining = this.entries.length;
    while (remaining > 0) {
      const batch = this.entries.slice(0, Math.min(this.opts.batchSize, remaining));
      this.entries = this.entries.slice(batch.length);
      remaining -= batch.length;
      try {
        await this.write(batch);
      } catch (e) {
        // Keep the batch, ahead of anything appended since, for the next try.
        this.entries = batch.concat(this.entries);
        throw e;
      }
    }
    this.failures = 0;
    if (this.dropped > 0) {
      this.opts.logger.warn({ dropped: this.dropped }, `journal: ${this.opts.backend} writes work again; ${this.dropped} unwritten entries were dropped meanwhile`);
      this.dropped = 0;
    }
  }

  private flushInBackground(): void {
    this.flush().catch((e: unknown) => {
      this.failures++;
      this.opts.logger.error(
        { err: e, buffered: this.entries.length },
        `journal: writing buffered entries to ${this.opts.backend} failed; will retry`,
      );
      if (!this.closed) this.schedule(Math.min(MAX_RETRY_MS, this.opts.flushMs * 2 ** this.failures));
    });
  }

  private schedule(ms: number): void {
    if (this.timer === undefined) this.timer = this.opts.clock.setTimeout(() => this.flushInBackground(), ms, { background: true });
  }
}
