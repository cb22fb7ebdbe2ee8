/**
 * Runs queued deliveries with a concurrency limit. The hot path never waits for a poll: a new
 * delivery takes a free slot directly (`tryReserve` + `launch`). Everything else — retries
 * that fall due, deliveries over the limit, deliveries left from before a restart, and those
 * another process wrote to the same store — is claimed from storage by `sweep`, which runs on
 * a timer set for the earliest due time, when a slot frees up, and every `pollIntervalMs`.
 */
import type { Clock, TimerHandle } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { DeliveryLease, DeliveryRecord, DeliveryStore } from "../storage/ports.js";

export interface DispatcherOptions {
  store: DeliveryStore;
  clock: Clock;
  logger: Logger;
  concurrency: number;
  /** Safety sweep for deliveries written by other processes; 0 turns it off. */
  pollIntervalMs: number;
  /** The lease claimed deliveries are taken under (this instance, until now + lease time). */
  lease: () => DeliveryLease;
  /**
   * Sends one claimed delivery and moves its status; must not reject for delivery faults.
   * `stored`: see launch. `exchanged` gives the slot back once the HTTP exchange is over, so
   * recording the attempt does not hold a sending slot (called again at the end, harmlessly).
   */
  run: (record: DeliveryRecord, stored: Promise<unknown> | undefined, exchanged: () => void) => Promise<void>;
}

export interface Dispatcher {
  /** Takes a slot if one is free, for a delivery about to be stored as in flight. */
  tryReserve(): boolean;
  /** Gives back a slot taken by `tryReserve` and not used. */
  release(): void;
  /** Runs a delivery in a slot taken by `tryReserve`; `stored` resolves when its row is committed, if it is not yet. */
  launch(record: DeliveryRecord, stored?: Promise<unknown>): void;
  /** Something becomes due at `at` (epoch ms): make sure a sweep happens then. */
  wakeAt(at: number): void;
  start(): void;
  /** Stops sweeping; resolves when every running delivery has settled. */
  stop(): Promise<void>;
  /** Deliveries running now. */
  readonly active: number;
}

/**
 * @example
 * const d = createDispatcher({ store, clock, logger, concurrency: 64, pollIntervalMs: 1000, run });
 * d.start();
 * if (d.tryReserve()) d.launch(record); else d.wakeAt(clock.now());
 */
export function createDispatcher(o: DispatcherOptions): Dispatcher {
  return new SlotDispatcher(o);
}

/** A class rather than a closure: its state is a handful of fields its small methods share. */
class SlotDispatcher implements Dispatcher {
  private running = false;
  private activeRuns = 0;
  private readonly runs = new Set<Promise<void>>();
  private wakeTimer: TimerHandle | undefined;
  private wakeTime: number | null = null;
  private pollTimer: TimerHandle | undefined;
  private sweeping: Promise<void> | null = null;
  private again = false;
  /** Due deliveries were left in storage for lack of a slot: sweep when one frees. */
  private backlog = false;
  private readonly claimBatch: number;

  constructor(private readonly o: DispatcherOptions) {
    this.claimBatch = Math.max(1, Math.floor(o.concurrency / 8));
  }

  get active(): number {
    return this.activeRuns;
  }

  tryReserve(): boolean {
    // With a backlog, new deliveries queue behind it (claimed oldest first) instead of overtaking.
    if (!this.running || this.backlog || this.activeRuns >= this.o.concurrency) return false;
    this.activeRuns++;
    return true;
  }

  release(): void {
    this.activeRuns--;
  }

  launch(record: DeliveryRecord, stored?: Promise<unknown>): void {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.activeRuns--;
      // Claim in batches rather than one slot at a time: each claim is a storage round trip.
      if (this.running && this.backlog && (this.o.concurrency - this.activeRuns >= this.claimBatch || this.activeRuns === 0)) void this.sweep();
    };
    const p = this.o
      .run(record, stored, release)
      .catch((e: unknown) => this.o.logger.error({ err: e, deliveryId: record.id }, "delivery run failed unexpectedly"))
      .finally(() => {
        release();
        this.runs.delete(p);
      });
    this.runs.add(p);
  }

  wakeAt(at: number): void {
    const { clock } = this.o;
    if (!this.running) return;
    if (at <= clock.now()) {
      // Due now: take it at once if a slot is free, else when one frees.
      if (this.activeRuns >= this.o.concurrency) this.backlog = true;
      else void this.sweep();
      return;
    }
    if (this.wakeTime !== null && this.wakeTime <= at) return;
    clock.clearTimeout(this.wakeTimer);
    this.wakeTime = at;
    this.wakeTimer = clock.setTimeout(
      () => {
        this.wakeTime = null;
        this.wakeTimer = undefined;
        void this.sweep();
      },
      at - clock.now(),
      { background: true },
    );
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.sweep();
    this.schedulePoll();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.o.clock.clearTimeout(this.wakeTimer);
    this.o.clock.clearTimeout(this.pollTimer);
    this.wakeTimer = this.pollTimer = undefined;
    this.wakeTime = null;
    await this.sweeping;
    await Promise.allSettled([...this.runs]);
  }

  private schedulePoll(): void {
    if (!this.running || this.o.pollIntervalMs <= 0) return;
    this.pollTimer = this.o.clock.setTimeout(() => void this.sweep().finally(() => this.schedulePoll()), this.o.pollIntervalMs, { background: true });
  }

  private sweep(): Promise<void> {
    if (!this.running) return Promise.resolve();
    if (this.sweeping) {
      this.again = true;
      return this.sweeping;
    }
    this.sweeping = this.sweepOnce().finally(() => {
      this.sweeping = null;
      if (this.again && this.running) void this.sweep();
    });
    return this.sweeping;
  }

  private async sweepOnce(): Promise<void> {
    const { store, clock } = this.o;
    try {
      // Bounded: each round either fills every slot or finds nothing more due.
      for (let round = 0; round < 100 && this.running; round++) {
        this.again = false;
        const free = this.o.concurrency - this.activeRuns;
        // The claim's slots are reserved while it is awaited (a round trip, milliseconds on a
        // busy shared store). Reserving every free one made each new delivery in that window
        // wait in the queue for the next sweep (on postgres, 8-11 % of webhooks under load, each
        // with a NOTIFY and a claim on every member); a batch's worth is left for them.
        const room = free > 2 * this.claimBatch ? free - this.claimBatch : free;
        if (room <= 0) {
          this.backlog = true;
          break;
        }
        this.activeRuns += room; // reserve first: enqueue may take slots while the claim is awaited
        let claimed: DeliveryRecord[] = [];
        try {
          claimed = await store.claimDue(clock.now(), room, this.o.lease());
        } finally {
          this.activeRuns -= room - claimed.length;
        }
        if (!this.running) {
          // Stopped while claiming: left in flight; their lease runs out and they are re-queued.
          this.activeRuns -= claimed.length;
          return;
        }
        for (const d of claimed) this.launch(d);
        this.backlog = claimed.length === room;
        if (!this.backlog && !this.again) break;
      }
      if (!this.running) return;
      const next = await store.nextDueAt();
      if (next !== null && !(this.backlog && next <= clock.now())) this.wakeAt(next);
    } catch (e) {
      this.o.logger.error({ err: e }, "delivery sweep failed; retrying in 1 s");
      this.wakeAt(clock.now() + 1000);
    }
  }
}
