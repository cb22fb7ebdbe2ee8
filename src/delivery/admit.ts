/**
 * Admitting a queued delivery: stored durably, then sent at once when a dispatcher slot is free,
 * else when it is due.
 */
import type { Clock } from "../core/clock.js";
import type { DeliveryRecord, DeliveryStore } from "../storage/ports.js";
import type { DeliveryDefaults } from "./delivery-options.js";
import type { Dispatcher } from "./dispatcher.js";
import type { LeaseKeeper } from "./lease-keeper.js";

export interface AdmitOptions {
  store: DeliveryStore;
  clock: Clock;
  dispatcher: Dispatcher;
  leases: Pick<LeaseKeeper, "lease">;
  persist: DeliveryDefaults["persist"];
  /** The row is stored (waiters). */
  stored: (record: DeliveryRecord) => void;
  /** Throws when the engine is stopped. */
  assertRunning: () => void;
}

export function createAdmit(o: AdmitOptions): (record: DeliveryRecord, delayMs: number) => Promise<DeliveryRecord> {
  const { dispatcher } = o;
  return async (record, delayMs) => {
    o.assertRunning();
    const now = o.clock.now();
    const immediate = delayMs <= 0 && dispatcher.tryReserve();
    const lease = o.leases.lease();
    // Stored as in flight when this process sends it right away, so no other sweeper claims it.
    // Object.assign, not a spread: see "Object spreads" in docs/performance.md.
    const rec: DeliveryRecord = Object.assign(
      {},
      record,
      immediate
        ? { status: "in_flight" as const, nextAttemptAt: null, leaseOwner: lease.owner, leaseUntil: lease.until }
        : { status: "pending" as const, nextAttemptAt: now + Math.max(0, delayMs), leaseOwner: null, leaseUntil: null },
    );
    const stored = o.store.insert(rec);
    // Under `persist: before_response` (the default) a row that cannot be stored makes the
    // caller answer 503 ("not accepted, retry"), so nothing may be sent before the commit: a
    // retrying client would otherwise cause a second event with another webhook-id. Under
    // `after_response` the caller has answered already; the call goes out while the row commits
    // (one event-loop turn less), and the attempt records wait for the row (see queued-attempt.ts).
    const sendFirst = immediate && o.persist === "after_response";
    if (sendFirst) dispatcher.launch(rec, stored);
    try {
      await stored;
    } catch (e) {
      if (immediate && !sendFirst) dispatcher.release();
      throw e;
    }
    if (immediate && !sendFirst) dispatcher.launch(rec);
    o.stored(rec);
    if (!immediate) dispatcher.wakeAt(rec.nextAttemptAt!);
    return { ...rec };
  };
}
