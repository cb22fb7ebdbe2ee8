import type { DeliveryLeases, DeliveryRecord } from "../ports.js";
import { listLimit } from "../limits.js";
import type { DeliverySlots } from "./memory-delivery-slots.js";

/**
 * Claiming due deliveries and keeping their leases in memory. Every call runs synchronously
 * inside one tick, so `claimDue` is atomic by construction: two concurrent calls can never see
 * the same pending record. Only the pending set is read to claim, not the retained history.
 */
export function createMemoryDeliveryLeases(slots: DeliverySlots): DeliveryLeases {
  const requeue = (now: number, pick: (r: DeliveryRecord) => boolean): number => {
    let n = 0;
    for (const s of slots.all.values()) {
      if (s.status !== "in_flight" || !pick(s.live!)) continue;
      slots.patch(s, { status: "pending", nextAttemptAt: now, updatedAt: now, leaseOwner: null, leaseUntil: null });
      n++;
    }
    return n;
  };
  return {
    async claimDue(now, limit, lease) {
      const due = [...slots.pending]
        .filter((s) => s.live!.nextAttemptAt !== null && s.live!.nextAttemptAt <= now)
        .sort((a, b) => a.live!.nextAttemptAt! - b.live!.nextAttemptAt! || a.seq - b.seq)
        .slice(0, listLimit(limit));
      for (const s of due) {
        // The count comes from the stored attempts, as on the SQL backends (see sqlite-delivery-leases.ts).
        const attemptCount = Math.max(s.live!.attemptCount, slots.highestAttempt(s.id));
        slots.patch(s, { status: "in_flight", nextAttemptAt: null, updatedAt: now, leaseOwner: lease.owner, leaseUntil: lease.until, attemptCount });
      }
      return due.map((s) => slots.record(s));
    },
    async renewLeases(ids, lease) {
      let n = 0;
      for (const id of ids) {
        const s = slots.all.get(id);
        if (!s || s.status !== "in_flight" || s.live!.leaseOwner !== lease.owner) continue;
        s.live!.leaseUntil = lease.until;
        n++;
      }
      return n;
    },
    async requeueExpired(now) {
      return requeue(now, (r) => r.leaseUntil === null || r.leaseUntil <= now);
    },
    async requeueInFlight(now) {
      return requeue(now, () => true);
    },
    async leasesByOwner() {
      const by = new Map<string | null, { owner: string | null; count: number; earliestUntil: number | null }>();
      for (const s of slots.all.values()) {
        if (s.status !== "in_flight") continue;
        const r = s.live!;
        const e = by.get(r.leaseOwner) ?? { owner: r.leaseOwner, count: 0, earliestUntil: null };
        e.count++;
        if (r.leaseUntil !== null && (e.earliestUntil === null || r.leaseUntil < e.earliestUntil)) e.earliestUntil = r.leaseUntil;
        by.set(r.leaseOwner, e);
      }
      return [...by.values()];
    },
    async nextDueAt() {
      let min: number | null = null;
      for (const s of slots.pending) {
        const at = s.live!.nextAttemptAt;
        if (at !== null && (min === null || at < min)) min = at;
      }
      return min;
    },
  };
}
