/**
 * Delivery leases (SPEC §3 durability): a delivery this process sends is `in_flight` under a
 * lease (this instance, until now + `leaseMs`). The keeper renews the leases of every attempt
 * still running, every third of the lease, and puts back in the queue every delivery whose lease
 * ran out, whoever held it: a crashed member's, or this process's own after an attempt ended
 * without its outcome being stored (a storage error). Nothing else ever re-queues work in flight,
 * so a live member's attempts are never sent twice.
 */
import type { Clock, TimerHandle } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { DeliveryLease, DeliveryStore } from "../storage/ports.js";

export interface LeaseKeeperOptions {
  store: DeliveryStore;
  clock: Clock;
  logger: Logger;
  /** This process's instance id: the owner written on its leases. */
  owner: string;
  leaseMs: number;
  /** Called with how many deliveries were put back in the queue (only when more than 0). */
  onRequeued: (count: number) => void;
}

export interface LeaseKeeper {
  /** A lease for a delivery claimed now. */
  lease(): DeliveryLease;
  /** An attempt of `id` runs in this process: keep its lease alive. */
  hold(id: string): void;
  /** The attempt of `id` is over (whatever its outcome): stop renewing. */
  drop(id: string): void;
  /** Renews held leases, then re-queues expired ones. Runs on the timer; callable at any time. */
  tick(): Promise<void>;
  start(): void;
  stop(): void;
  /** Deliveries whose lease this process holds now. */
  readonly held: number;
}

/**
 * @example
 * const keeper = createLeaseKeeper({ store, clock, logger, owner: storage.instanceId, leaseMs: 10_000, onRequeued: () => dispatcher.wakeAt(clock.now()) });
 * keeper.start();
 * const claimed = await store.claimDue(clock.now(), 8, keeper.lease());
 */
export function createLeaseKeeper(o: LeaseKeeperOptions): LeaseKeeper {
  const { store, clock, logger } = o;
  const held = new Set<string>();
  let timer: TimerHandle | undefined;
  let running = false;
  let ticking: Promise<void> | null = null;
  let failing = false;
  const every = Math.max(50, Math.floor(o.leaseMs / 3));
  const lease = (): DeliveryLease => ({ owner: o.owner, until: clock.now() + o.leaseMs });

  async function tickOnce(): Promise<void> {
    try {
      // Renew first: after a long stall (the store away), this process's own leases are
      // refreshed before the expiry sweep could take them back.
      if (held.size > 0) await store.renewLeases([...held], lease());
      const requeued = await store.requeueExpired(clock.now());
      if (failing) logger.info("delivery leases: storage reachable again");
      failing = false;
      if (requeued > 0) {
        logger.warn({ requeued }, "delivery leases expired (their holder stopped renewing them): back in the queue");
        o.onRequeued(requeued);
      }
    } catch (e) {
      // Logged once per outage, not once per tick: the next tick retries.
      if (!failing) logger.error({ err: e }, "delivery leases: renewing or sweeping failed; retrying");
      failing = true;
    }
  }

  function schedule(): void {
    if (!running) return;
    timer = clock.setTimeout(() => {
      void keeper.tick().finally(schedule);
    }, every);
  }

  const keeper: LeaseKeeper = {
    lease,
    hold: (id) => void held.add(id),
    drop: (id) => void held.delete(id),
    tick() {
      ticking ??= tickOnce().finally(() => (ticking = null));
      return ticking;
    },
    start() {
      if (running) return;
      running = true;
      schedule();
    },
    stop() {
      running = false;
      clock.clearTimeout(timer);
      timer = undefined;
    },
    get held() {
      return held.size;
    },
  };
  return keeper;
}
