/**
 * Retention, for every backend in one place: how many records of each kind a store keeps
 * (`journal.max_entries`, `journal.max_runs` per run kind, `webhooks.retention` finished
 * deliveries). The writes of each kind are counted here and the kind is pruned in the
 * background every `pruneEvery(keep)` of them, never on every write: a prune is a query over the
 * table, a write is one row. The domain code only writes; none of it prunes.
 */
import type { Logger } from "../core/logger.js";
import { FINISHED_DELIVERY_STATUSES } from "./limits.js";
import type { DeliveryStore, JournalStore, RunRecord, RunStore, Storage } from "./ports.js";

/** How many of each kind a store keeps. */
export interface RetentionLimits {
  /** Journal entries (`journal.max_entries`). */
  journal: number;
  /** Runs of each kind: chain, rule, route script, scenario (`journal.max_runs`). */
  runs: number;
  /** Finished deliveries; pending and in-flight ones are never pruned (`webhooks.retention`). */
  deliveries: number;
}

/** A store under retention: `close` waits for a running prune first. */
export interface RetainedStorage extends Storage {
  /** Resolves when no prune is running (tests; `close` does it too). */
  settleRetention(): Promise<void>;
}

/**
 * Writes of a kind between two prunes: a tenth of `keep`, at least 1 and at most 1,000. A kind
 * then holds at most `keep` plus that many (plus what is written while a prune runs).
 */
export function pruneEvery(keep: number): number {
  return Math.max(1, Math.min(1000, Math.ceil(keep / 10)));
}

/**
 * Counts the writes of one kind and prunes it every `pruneEvery(keep)` of them. One prune runs
 * at a time; one asked for meanwhile runs when it ends, so the last writes are always covered.
 */
class KindPruner {
  private since = 0;
  private running: Promise<void> | null = null;
  private again = false;
  private readonly every: number;

  constructor(
    private readonly what: string,
    private readonly keep: number,
    private readonly prune: (keep: number) => Promise<number>,
    private readonly logger: Logger,
  ) {
    this.every = pruneEvery(keep);
  }

  wrote(): void {
    if (++this.since >= this.every) this.pruneNow();
  }

  /** Prunes in the background (after the running prune, if one is). */
  pruneNow(): void {
    this.since = 0;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pruneUntilAsked().finally(() => (this.running = null));
  }

  /** Resolves when no prune of this kind is running or asked for. */
  async settle(): Promise<void> {
    await this.running;
  }

  private async pruneUntilAsked(): Promise<void> {
    do {
      this.again = false;
      try {
        const n = await this.prune(this.keep);
        if (n > 0) this.logger.debug({ pruned: n, keep: this.keep, kind: this.what }, `pruned ${this.what}`);
      } catch (e) {
        this.logger.error({ err: e, kind: this.what }, `pruning ${this.what} failed`);
      }
    } while (this.again);
  }
}

/**
 * `storage` with retention: its journal, runs and deliveries count their writes and prune past
 * `keep`. Finished deliveries past the limit left by the last process are pruned at once.
 *
 * @example
 * const storage = withRetention(createMemoryStorage(), { journal: 10_000, runs: 1000, deliveries: 10_000 }, logger);
 */
export function withRetention(storage: Storage, keep: RetentionLimits, logger: Logger): RetainedStorage {
  const journal = new KindPruner("journal entries", keep.journal, (n) => storage.journal.prune(n), logger);
  const deliveries = new KindPruner("finished deliveries", keep.deliveries, (n) => storage.deliveries.prune(n), logger);
  const runKinds = new Map<RunRecord["kind"], KindPruner>();
  const runsOf = (kind: RunRecord["kind"]): KindPruner => {
    let p = runKinds.get(kind);
    if (!p) runKinds.set(kind, (p = new KindPruner(`${kind} runs`, keep.runs, (n) => storage.runs.prune(kind, n), logger)));
    return p;
  };
  const settle = async () => {
    await Promise.all([journal.settle(), deliveries.settle(), ...[...runKinds.values()].map((p) => p.settle())]);
  };
  deliveries.pruneNow();
  return {
    ...overriding(storage, {}),
    journal: retainedJournal(storage.journal, journal),
    runs: retainedRuns(storage.runs, runsOf),
    deliveries: retainedDeliveries(storage.deliveries, deliveries),
    settleRetention: settle,
    async close() {
      await settle();
      await storage.close();
    },
  };
}

function retainedJournal(inner: JournalStore, pruner: KindPruner): JournalStore {
  return overriding(inner, {
    append(entry) {
      inner.append(entry);
      pruner.wrote();
    },
  });
}

/** A run counts once finished (a running run is written again when it ends). */
function retainedRuns(inner: RunStore, pruner: (kind: RunRecord["kind"]) => KindPruner): RunStore {
  return overriding(inner, {
    put(run) {
      const written = inner.put(run);
      if (run.finishedAt !== null) pruner(run.kind).wrote();
      return written;
    },
  });
}

const isFinished = (status: string | undefined): boolean => status !== undefined && (FINISHED_DELIVERY_STATUSES as readonly string[]).includes(status);

/**
 * A delivery counts when it is written finished: its last update, an awaited call stored at
 * its end, or a row inserted finished. These are the outbox's hot path, so the write is handed back as it is (no promise
 * of ours around it); it is counted once issued, and a prune it starts is issued after it (on
 * postgres it may still commit after the prune, to be pruned by the next one).
 */
function retainedDeliveries(inner: DeliveryStore, pruner: KindPruner): DeliveryStore {
  return overriding(inner, {
    // A row stored already finished: a call the trace budget suppressed (trace-budget.ts) is
    // stored `failed` at once, and a loop storm the budget caps writes nothing else.
    insert(d) {
      const written = inner.insert(d);
      if (isFinished(d.status)) pruner.wrote();
      return written;
    },
    update(id, patch) {
      const written = inner.update(id, patch);
      if (isFinished(patch.status)) pruner.wrote();
      return written;
    },
    insertFinished(d, attempts) {
      const written = inner.insertFinished(d, attempts);
      pruner.wrote();
      return written;
    },
  });
}

/**
 * `inner` with the methods in `over` in place of its own; every other member is `inner`'s, its
 * methods bound to it once here (so a store written as a class keeps its `this`).
 */
function overriding<T extends object>(inner: T, over: Partial<T>): T {
  const out: Record<PropertyKey, unknown> = {};
  for (let o: object | null = inner; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const key of Reflect.ownKeys(o)) {
      if (key === "constructor" || key in out) continue;
      const value: unknown = Reflect.get(inner, key);
      out[key] = typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(inner) : value;
    }
  }
  return Object.assign(out, over) as T;
}
