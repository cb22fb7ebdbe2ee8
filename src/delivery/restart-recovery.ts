/**
 * What start() does with deliveries a crash left behind. Queued ones in flight go back to
 * pending (at-least-once); awaited ones are failed instead, because the caller that awaited
 * them no longer exists and a late re-send would surprise whoever receives it.
 */
import type { DeliveryRecord, DeliveryStore } from "../storage/ports.js";

export const INTERRUPTED_REASON = "interrupted by restart: the caller that awaited this call is gone, so it is not re-sent";

/** Upper bound on one scan; awaited calls in flight are few (one per waiting caller). */
const SCAN_LIMIT = 100_000;

/** Marks awaited deliveries left `in_flight` as failed. Returns the updated records. */
export async function failAwaitedLeftovers(store: DeliveryStore, now: number): Promise<DeliveryRecord[]> {
  const inFlight = await store.list({ status: "in_flight", limit: SCAN_LIMIT });
  const out: DeliveryRecord[] = [];
  for (const d of inFlight) {
    if (d.mode !== "awaited") continue;
    const patch = { status: "failed" as const, nextAttemptAt: null, lastError: INTERRUPTED_REASON, updatedAt: now };
    await store.update(d.id, patch);
    out.push({ ...d, ...patch });
  }
  return out;
}
