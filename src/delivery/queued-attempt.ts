/**
 * One attempt of a queued delivery this process holds in flight, and the status it leaves the
 * delivery in. The dispatcher runs it in a slot; the delivery engine wires it up.
 */
import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { DeliveryRecord, DeliveryStatus, DeliveryStore } from "../storage/ports.js";
import { lastErrorText, performAttempt, type AttemptDeps } from "./perform-attempt.js";
import { INTERRUPTED_REASON } from "./restart-recovery.js";

export interface QueuedAttemptOptions {
  deps: AttemptDeps;
  store: DeliveryStore;
  clock: Clock;
  logger: Logger;
  /** Every attempt in flight listens on it: aborted when the engine stops. */
  signal: AbortSignal;
  /** True once the engine is stopping: an aborted attempt is then left in flight, unrecorded. */
  stopping: () => boolean;
  /** A delivery's record changed (waiters, logs). */
  changed: (record: DeliveryRecord) => void;
  /** A retry is due at `at`. */
  wakeAt: (at: number) => void;
}

export interface QueuedAttempts {
  /**
   * Runs one attempt. `stored` resolves once the delivery's row is committed (already true for
   * claimed ones); `exchanged` gives the dispatcher slot back as soon as the HTTP exchange is over.
   */
  run(record: DeliveryRecord, stored?: Promise<unknown>, exchanged?: () => void): Promise<void>;
  /** Moves a delivery out of flight with `patch` (no lease any more) and reports the change. */
  finish(record: DeliveryRecord, patch: Partial<DeliveryRecord>): Promise<DeliveryRecord>;
}

export function createQueuedAttempts(o: QueuedAttemptOptions): QueuedAttempts {
  const { store, clock } = o;

  async function finish(record: DeliveryRecord, patch: Partial<DeliveryRecord>): Promise<DeliveryRecord> {
    // Object.assign, not spreads, on this path: see "Object spreads" in docs/performance.md.
    const out = { leaseOwner: null, leaseUntil: null, updatedAt: clock.now() };
    const next: DeliveryRecord = Object.assign({}, record, patch, out);
    await store.update(record.id, Object.assign({}, patch, out));
    o.changed(next);
    return next;
  }

  async function run(record: DeliveryRecord, stored: Promise<unknown> = Promise.resolve(), exchanged: () => void = () => undefined): Promise<void> {
    if (record.mode === "awaited") {
      // Claimed after a restart: the caller that awaited it is gone, so sending it now helps nobody.
      await finish(record, { status: "failed", nextAttemptAt: null, lastError: INTERRUPTED_REASON });
      return;
    }
    let outcome: Awaited<ReturnType<typeof performAttempt>>;
    try {
      outcome = await performAttempt(o.deps, record, { signal: o.signal, abandon: o.stopping, stored, exchanged });
    } catch (e) {
      // The row never committed: enqueue rejected and its caller reported it; nothing to record.
      if (await stored.then(() => false, () => true)) return;
      throw e;
    }
    if (!outcome) return; // engine stopping: left in flight until its lease runs out
    const now = clock.now();
    const retry = outcome.next === "retry";
    const updated = await finish(record, {
      status: retry ? "pending" : (outcome.next as DeliveryStatus),
      attemptCount: outcome.attempt.number,
      nextAttemptAt: retry ? now + outcome.delayMs! : null,
      lastStatus: outcome.response?.status ?? null,
      lastError: lastErrorText(outcome),
    });
    o.logger.debug({ deliveryId: record.id, attempt: outcome.attempt.number, next: outcome.next, delayMs: outcome.delayMs }, "delivery attempt");
    if (retry) o.wakeAt(updated.nextAttemptAt!);
  }

  return { run, finish };
}
