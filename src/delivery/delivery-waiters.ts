/**
 * Event-driven waiting on deliveries: the engine tells this hub about every status change,
 * and `waitFor` resolves on the change that completes the count. No polling loop.
 */
import type { Clock } from "../core/clock.js";
import { MockForgeError } from "../core/errors.js";
import type { DeliveryRecord, DeliveryStatus } from "../storage/ports.js";
import type { DeliveryWaitFilter } from "./types.js";

export const FINISHED: readonly DeliveryStatus[] = ["succeeded", "failed", "dead"];

export const isFinished = (status: DeliveryStatus): boolean => FINISHED.includes(status);

/** Whether the record is the kind the filter asks about, whatever its status. */
function matchesShape(filter: DeliveryWaitFilter, d: DeliveryRecord): boolean {
  return (
    (filter.url === undefined || d.request.url.includes(filter.url)) &&
    (filter.sourceKind === undefined || d.sourceKind === filter.sourceKind) &&
    (filter.since === undefined || d.createdAt >= filter.since)
  );
}

/** A record counts when it matches and is finished (or has exactly the asked status). */
export function countsForWait(filter: DeliveryWaitFilter, d: DeliveryRecord): boolean {
  if (!matchesShape(filter, d)) return false;
  return filter.status !== undefined ? d.status === filter.status : isFinished(d.status);
}

export type DeliveryListener = (record: DeliveryRecord) => void;

export interface DeliveryWaiters {
  /** Every status change of every delivery this engine touches. */
  notify(record: DeliveryRecord): void;
  /** Listens to every change; returns the unsubscribe function. */
  subscribe(listener: DeliveryListener): () => void;
  /**
   * Resolves with the counted records once `count` are there. `existing` loads what storage
   * already holds; it runs after subscribing so nothing that finishes meanwhile is missed.
   */
  waitFor(filter: DeliveryWaitFilter, count: number, timeoutMs: number, existing: () => Promise<DeliveryRecord[]>): Promise<DeliveryRecord[]>;
  /** Ends every open wait (the engine is stopping): `waitFor` rejects with `error`, `onCancel` hooks run. */
  cancelAll(error: Error): void;
  /** Registers a hook for `cancelAll`; returns the unregister function. */
  onCancel(fn: (error: Error) => void): () => void;
}

/**
 * @example
 * const waiters = createDeliveryWaiters(clock);
 * const done = waiters.waitFor({ url: "/hooks" }, 2, 5000, () => store.list({ status: "succeeded" }));
 * waiters.notify(record); // on every status change
 */
export function createDeliveryWaiters(clock: Clock): DeliveryWaiters {
  const listeners = new Set<DeliveryListener>();
  const cancels = new Set<(e: Error) => void>();

  function subscribe(listener: DeliveryListener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  function waitFor(
    filter: DeliveryWaitFilter,
    count: number,
    timeoutMs: number,
    existing: () => Promise<DeliveryRecord[]>,
  ): Promise<DeliveryRecord[]> {
    return new Promise((resolve, reject) => {
      const counted = new Map<string, DeliveryRecord>();
      const open = new Map<string, DeliveryRecord>();
      let done = false;
      const finish = (fn: () => void) => {
        if (done) return;
        done = true;
        cancels.delete(cancel);
        unsubscribe();
        clock.clearTimeout(timer);
        fn();
      };
      const see = (d: DeliveryRecord) => {
        if (done || !matchesShape(filter, d)) return;
        if (countsForWait(filter, d)) {
          counted.set(d.id, d);
          open.delete(d.id);
        } else if (!counted.has(d.id)) open.set(d.id, d);
        if (counted.size >= count) finish(() => resolve(sortOldestFirst([...counted.values()])));
      };
      const cancel = (e: Error) => finish(() => reject(e));
      cancels.add(cancel);
      const unsubscribe = subscribe(see);
      const timer = clock.setTimeout(() => finish(() => reject(waitTimeout(filter, count, timeoutMs, [...counted.values()], [...open.values()]))), Math.max(0, timeoutMs));
      if (count <= 0) return finish(() => resolve([]));
      existing().then(
        (records) => records.forEach(see),
        (e: unknown) => finish(() => reject(e)),
      );
    });
  }

  return {
    notify(record) {
      for (const l of [...listeners]) l(record);
    },
    subscribe,
    waitFor,
    cancelAll(error) {
      for (const c of [...cancels]) c(error);
    },
    onCancel(fn) {
      cancels.add(fn);
      return () => cancels.delete(fn);
    },
  };
}

/** Why a wait ended unmet: what finished, and what was still open. */
function waitTimeout(filter: DeliveryWaitFilter, count: number, timeoutMs: number, seen: DeliveryRecord[], still: DeliveryRecord[]): MockForgeError {
  return new MockForgeError(
    "MFG_ERR_WAIT_TIMEOUT",
    `Only ${seen.length} of ${count} matching deliveries finished within ${timeoutMs} ms` + (still.length > 0 ? `; ${still.length} still ${summarise(still)}` : ""),
    {
      hint: "Check the receiver and the deliveries' attempts (GET /__mockforge/deliveries/<id>).",
      filter,
      wanted: count,
      seen: seen.map(brief),
      unfinished: still.map(brief),
    },
  );
}

function sortOldestFirst(records: DeliveryRecord[]): DeliveryRecord[] {
  return records.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function brief(d: DeliveryRecord) {
  return { id: d.id, status: d.status, url: d.request.url, attempts: d.attemptCount, lastStatus: d.lastStatus, lastError: d.lastError };
}

function summarise(records: DeliveryRecord[]): string {
  const byStatus = new Map<string, number>();
  for (const r of records) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  const last = records.find((r) => r.lastError)?.lastError;
  return [...byStatus].map(([s, n]) => `${n} ${s}`).join(", ") + (last ? ` (last error: ${last})` : "");
}
