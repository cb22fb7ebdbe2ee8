/**
 * `drain`: waits, event-driven, until no queued delivery is pending or in flight. Re-counts
 * in storage after each status change (coalesced), and once more when the time is up.
 */
import type { Clock } from "../core/clock.js";
import type { DeliveryStore } from "../storage/ports.js";
import type { DeliveryWaiters } from "./delivery-waiters.js";

export interface DrainInput {
  store: DeliveryStore;
  clock: Clock;
  waiters: DeliveryWaiters;
  timeoutMs: number;
  /** Awaited calls running in this process: in flight in storage, but not the outbox's business. */
  awaitedInFlight: () => number;
}

/** Resolves with how many queued deliveries are still pending or in flight (0 when drained). */
export function drainDeliveries(input: DrainInput): Promise<number> {
  const { store, clock, waiters } = input;
  const outstanding = async () => {
    const [pending, inFlight] = await Promise.all([store.count({ status: "pending" }), store.count({ status: "in_flight" })]);
    return Math.max(0, pending + inFlight - input.awaitedInFlight());
  };
  return new Promise((resolve, reject) => {
    let done = false;
    let checking = false;
    let recheck = false;
    // Settles once: stops listening and the timer first, whichever way it ends.
    const settle = (then: () => void) => {
      if (done) return;
      done = true;
      unsubscribe();
      uncancel();
      clock.clearTimeout(timer);
      then();
    };
    const finish = (n: number) => settle(() => resolve(n));
    const fail = (e: unknown) => settle(() => reject(e));
    const check = async (): Promise<void> => {
      if (done) return;
      if (checking) {
        recheck = true;
        return;
      }
      checking = true;
      try {
        do {
          recheck = false;
          const n = await outstanding();
          if (n === 0) return finish(0);
        } while (recheck && !done);
      } catch (e) {
        fail(e);
      } finally {
        checking = false;
      }
    };
    const unsubscribe = waiters.subscribe(() => void check());
    // Engine stopping: answer with what is left rather than leave the caller hanging.
    const uncancel = waiters.onCancel(() => void outstanding().then(finish, fail));
    const timer = clock.setTimeout(() => {
      outstanding().then(finish, fail);
    }, Math.max(0, input.timeoutMs));
    void check();
  });
}
