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
  const { clock, store, logger } = o;
  let running = false;
  let active = 0;
  const runs = new Set<Promise<void>>();
  let wakeTimer: TimerHandle | undefined;
  let wakeTime: number | null = null;
  let pollTimer: TimerHandle | undefined;
  let sweeping: Promise<void> | null = null;
  let again = false;
  /** Due deliveries were left in storage for lack of a slot: sweep when one frees. */
  let backlog = false;
  const claimBatch = Math.max(1, Math.floor(o.concurrency / 8));

  function launch(record: DeliveryRecord, stored?: Promise<unknown>): void {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      active--;
      // Claim in batches rather than one slot at a time: each claim is a storage round trip.
      if (running && backlog && (o.concurrency - active >= claimBatch || active === 0)) void sweep();
    };
    const p = o
      .run(record, stored, release)
      .catch((e: unknown) => logger.error({ err: e, deliveryId: record.id }, "delivery run failed unexpectedly"))
      .finally(() => {
        release();
        runs.delete(p);
      });
    runs.add(p);
  }

  function wakeAt(at: number): void {
    if (!running) return;
    if (at <= clock.now()) {
      // Due now: take it at once if a slot is free, else when one frees.
      if (active >= o.concurrency) backlog = true;
      else void sweep();
      return;
    }
    if (wakeTime !== null && wakeTime <= at) return;
    clock.clearTimeout(wakeTimer);
    wakeTime = at;
    wakeTimer = clock.setTimeout(() => {
      wakeTime = null;
      wakeTimer = undefined;
      void sweep();
    }, at - clock.now(), { background: true });
  }

  function schedulePoll(): void {
    if (!running || o.pollIntervalMs <= 0) return;
    pollTimer = clock.setTimeout(() => {
      void sweep().finally(schedulePoll);
    }, o.pollIntervalMs, { background: true });
  }

  function sweep(): Promise<void> {
    if (!running) return Promise.resolve();
    if (sweeping) {
      again = true;
      return sweeping;
    }
    sweeping = sweepOnce().finally(() => {
      sweeping = null;
      if (again && running) void sweep();
    });
    return sweeping;
  }

  async function sweepOnce(): Promise<void> {
    try {
      // Bounded: each round either fills every slot or finds nothing more due.
      for (let round = 0; round < 100 && running; round++) {
        again = false;
        const room = o.concurrency - active;
        if (room <= 0) {
          backlog = true;
          break;
        }
        active += room; // reserve first: enqueue may take slots while the claim is awaited
        let claimed: DeliveryRecord[] = [];
        try {
          claimed = await store.claimDue(clock.now(), room, o.lease());
        } finally {
          active -= room - claimed.length;
        }
        if (!running) {
          // Stopped while claiming: left in flight; their lease runs out and they are re-queued.
          active -= claimed.length;
          return;
        }
        for (const d of claimed) launch(d);
        backlog = claimed.length === room;
        if (!backlog && !again) break;
      }
      if (!running) return;
      const next = await store.nextDueAt();
      if (next !== null && !(backlog && next <= clock.now())) wakeAt(next);
    } catch (e) {
      logger.error({ err: e }, "delivery sweep failed; retrying in 1 s");
      wakeAt(clock.now() + 1000);
    }
  }

  return {
    tryReserve() {
      // With a backlog, new deliveries queue behind it (claimed oldest first) instead of overtaking.
      if (!running || backlog || active >= o.concurrency) return false;
      active++;
      return true;
    },
    release() {
      active--;
    },
    launch,
    wakeAt,
    start() {
      if (running) return;
      running = true;
      void sweep();
      schedulePoll();
    },
    async stop() {
      running = false;
      clock.clearTimeout(wakeTimer);
      clock.clearTimeout(pollTimer);
      wakeTimer = pollTimer = undefined;
      wakeTime = null;
      await sweeping;
      await Promise.allSettled([...runs]);
    },
    get active() {
      return active;
    },
  };
}
