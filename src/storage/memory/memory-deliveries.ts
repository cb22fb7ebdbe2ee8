import type { AttemptRecord, DeliveryFilter, DeliveryRecord, DeliveryStore } from "../ports.js";
import { FINISHED_DELIVERY_STATUSES, listLimit, pruneKeep } from "../limits.js";
import { assertDistinctAttempts, duplicateAttempt, duplicateDelivery } from "../storage-errors.js";

interface Slot {
  seq: number;
  record: DeliveryRecord;
}

const isFinished = (d: DeliveryRecord): boolean =>
  (FINISHED_DELIVERY_STATUSES as readonly string[]).includes(d.status);

/**
 * Deliveries and attempts in maps. Every method runs synchronously inside one tick, so
 * `claimDue` is atomic by construction: two concurrent calls can never see the same
 * pending record.
 */
export function createMemoryDeliveries(): DeliveryStore {
  const deliveries = new Map<string, Slot>();
  const attempts = new Map<string, AttemptRecord[]>();
  let seq = 0;

  // Newest first: createdAt, then insertion order (the SQL backends' sequence column).
  const newestFirst = (): Slot[] =>
    [...deliveries.values()].sort((a, b) => b.record.createdAt - a.record.createdAt || b.seq - a.seq);

  const matches = (d: DeliveryRecord, f: DeliveryFilter): boolean =>
    (f.status === undefined || d.status === f.status) &&
    (f.url === undefined || d.request.url.includes(f.url)) &&
    (f.sourceKind === undefined || d.sourceKind === f.sourceKind) &&
    (f.sourceId === undefined || d.sourceId === f.sourceId) &&
    (f.since === undefined || d.createdAt >= f.since);

  const requeue = (now: number, pick: (r: DeliveryRecord) => boolean): number => {
    let n = 0;
    for (const s of deliveries.values()) {
      if (s.record.status !== "in_flight" || !pick(s.record)) continue;
      s.record = { ...s.record, status: "pending", nextAttemptAt: now, updatedAt: now, leaseOwner: null, leaseUntil: null };
      n++;
    }
    return n;
  };

  const remove = (id: string): boolean => {
    attempts.delete(id);
    return deliveries.delete(id);
  };

  return {
    readsSeeIssuedWrites: true,
    async insert(d) {
      if (deliveries.has(d.id)) throw duplicateDelivery(d.id);
      deliveries.set(d.id, { seq: ++seq, record: structuredClone(d) });
    },
    async update(id, patch) {
      const slot = deliveries.get(id);
      // Updating a deleted delivery is a no-op: an admin may delete one while it is in flight.
      if (!slot) return;
      // Keys given as undefined leave the field alone, as the SQL backends do.
      const copy = structuredClone(patch) as Partial<DeliveryRecord>;
      const next = { ...slot.record } as Record<string, unknown>;
      for (const [k, v] of Object.entries(copy)) if (k !== "id" && v !== undefined) next[k] = v;
      slot.record = next as unknown as DeliveryRecord;
    },
    async get(id) {
      const slot = deliveries.get(id);
      return slot ? structuredClone(slot.record) : undefined;
    },
    async list(filter = {}) {
      const limit = listLimit(filter.limit);
      const out: DeliveryRecord[] = [];
      for (const { record } of newestFirst()) {
        if (out.length >= limit) break;
        if (matches(record, filter)) out.push(structuredClone(record));
      }
      return out;
    },
    async count(filter = {}) {
      let n = 0;
      for (const { record } of deliveries.values()) if (filter.status === undefined || record.status === filter.status) n++;
      return n;
    },
    async insertFinished(d, list) {
      assertDistinctAttempts(d.id, list);
      if (deliveries.has(d.id)) throw duplicateDelivery(d.id);
      deliveries.set(d.id, { seq: ++seq, record: structuredClone(d) });
      attempts.set(d.id, structuredClone(list));
    },
    async addAttempt(a) {
      const list = attempts.get(a.deliveryId) ?? [];
      // The same rule as the SQL backends' UNIQUE (delivery_id, number).
      if (list.some((x) => x.number === a.number)) throw duplicateAttempt(a.deliveryId, a.number);
      list.push(structuredClone(a));
      attempts.set(a.deliveryId, list);
    },
    async attempts(deliveryId) {
      const list = attempts.get(deliveryId) ?? [];
      return structuredClone([...list].sort((a, b) => a.number - b.number || a.startedAt - b.startedAt));
    },
    async claimDue(now, limit, lease) {
      const due = [...deliveries.values()]
        .filter((s) => s.record.status === "pending" && s.record.nextAttemptAt !== null && s.record.nextAttemptAt <= now)
        .sort((a, b) => a.record.nextAttemptAt! - b.record.nextAttemptAt! || a.seq - b.seq)
        .slice(0, listLimit(limit));
      for (const s of due) {
        // The count comes from the stored attempts, as on the SQL backends (see sqlite-deliveries.ts).
        const attemptCount = Math.max(s.record.attemptCount, ...(attempts.get(s.record.id) ?? []).map((a) => a.number));
        s.record = { ...s.record, status: "in_flight", nextAttemptAt: null, updatedAt: now, leaseOwner: lease.owner, leaseUntil: lease.until, attemptCount };
      }
      return due.map((s) => structuredClone(s.record));
    },
    async renewLeases(ids, lease) {
      let n = 0;
      for (const id of ids) {
        const s = deliveries.get(id);
        if (!s || s.record.status !== "in_flight" || s.record.leaseOwner !== lease.owner) continue;
        s.record = { ...s.record, leaseUntil: lease.until };
        n++;
      }
      return n;
    },
    async requeueExpired(now) {
      return requeue(now, (r) => r.leaseUntil === null || r.leaseUntil <= now);
    },
    async leasesByOwner() {
      const by = new Map<string | null, { owner: string | null; count: number; earliestUntil: number | null }>();
      for (const { record: r } of deliveries.values()) {
        if (r.status !== "in_flight") continue;
        const e = by.get(r.leaseOwner) ?? { owner: r.leaseOwner, count: 0, earliestUntil: null };
        e.count++;
        if (r.leaseUntil !== null && (e.earliestUntil === null || r.leaseUntil < e.earliestUntil)) e.earliestUntil = r.leaseUntil;
        by.set(r.leaseOwner, e);
      }
      return [...by.values()];
    },
    async nextDueAt() {
      let min: number | null = null;
      for (const { record } of deliveries.values()) {
        if (record.status !== "pending" || record.nextAttemptAt === null) continue;
        if (min === null || record.nextAttemptAt < min) min = record.nextAttemptAt;
      }
      return min;
    },
    async requeueInFlight(now) {
      return requeue(now, () => true);
    },
    async delete(id) {
      return remove(id);
    },
    async prune(max) {
      const finished = newestFirst().filter((s) => isFinished(s.record));
      const doomed = finished.slice(pruneKeep(max));
      for (const s of doomed) remove(s.record.id);
      return doomed.length;
    },
  };
}
