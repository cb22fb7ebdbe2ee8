/**
 * An awaited call: retried inline on the injected clock, resolved with the answer, and
 * recorded like any delivery, in one write when it ends (the delivery with every attempt).
 * Awaited calls are what chain links and scripts make, so one write instead of one per step
 * is most of a link's overhead; and a call whose caller is gone after a crash has nothing to
 * resume, so there is nothing to keep before it ends. Its waiters still hear every change.
 * Where every read sees an issued write (SQLite, memory), the answer does not wait for the
 * record's commit either: the engine tracks it (see `recording`).
 */
import { describeError, MockForgeError } from "../core/errors.js";
import type { AttemptRecord, DeliveryRecord, DeliveryStatus } from "../storage/ports.js";
import { buildResult } from "./delivery-result.js";
import { lastErrorText, performAttempt, type AttemptDeps, type AttemptOutcome } from "./perform-attempt.js";
import type { DeliveryResult } from "./types.js";

export interface AwaitedSendInput {
  deps: AttemptDeps;
  record: DeliveryRecord;
  /** The caller's cancel signal. */
  signal: AbortSignal | undefined;
  /** The engine's stop signal. */
  stopSignal: AbortSignal;
  /** Tells the engine about each status change. */
  changed: (record: DeliveryRecord) => void;
  /**
   * Takes the write of the finished record when the call does not wait for its commit (the
   * engine logs a failure and waits for it before stopping).
   */
  recording: (written: Promise<void>, record: DeliveryRecord) => void;
}

/** Never rejects for network faults: those resolve with `ok: false`, `status: 0`, `error` set. */
export async function sendAwaited(input: AwaitedSendInput): Promise<DeliveryResult> {
  const { deps, changed } = input;
  const { clock } = deps;
  const store = deps.storage.deliveries;
  const signal = input.signal ? AbortSignal.any([input.signal, input.stopSignal]) : input.stopSignal;
  const t0 = clock.monotonic();
  let current: DeliveryRecord = { ...input.record, status: "in_flight" };
  const attempts: AttemptRecord[] = [];
  changed(current);

  let outcome: AttemptOutcome | null = null;
  let interruption: { code: string; message: string } | null = null;
  for (;;) {
    outcome = (await performAttempt(deps, current, { signal, store: false }))!;
    attempts.push(outcome.attempt);
    const patch = {
      attemptCount: outcome.attempt.number,
      lastStatus: outcome.response?.status ?? null,
      lastError: lastErrorText(outcome),
      updatedAt: clock.now(),
    };
    current = { ...current, ...patch };
    if (outcome.next !== "retry") break;
    // Waiters hear when the next attempt will be; the stored record comes at the end.
    changed({ ...current, nextAttemptAt: clock.now() + outcome.delayMs! });
    try {
      await clock.sleep(outcome.delayMs!, signal);
    } catch (e) {
      interruption = describeError(
        e instanceof MockForgeError ? e : new MockForgeError("MFG_ERR_DELIVERY_ABORTED", "cancelled by the caller while waiting to retry"),
      );
      break;
    }
  }

  const status: DeliveryStatus = interruption ? "failed" : (outcome.next as DeliveryStatus);
  const lastError = interruption ? `${interruption.code}: ${interruption.message}` : current.lastError;
  current = { ...current, status, lastError, nextAttemptAt: null, updatedAt: clock.now() };
  // Where reads see a write once issued, the caller need not wait for the commit (a chain
  // link's next call goes out meanwhile): its record is in every later read either way, and a
  // crash before the commit loses only a call whose caller is gone too.
  const written = store.insertFinished(current, attempts);
  if (store.readsSeeIssuedWrites) input.recording(written, current);
  else await written;
  changed(current);
  return buildResult({
    deliveryId: current.id,
    webhookId: current.webhookId,
    succeeded: status === "succeeded",
    response: outcome.response,
    attempts: current.attemptCount,
    durationMs: clock.monotonic() - t0,
    error: interruption ?? outcome.error,
  });
}
