import type { DeliveryRecord, DeliveryStore } from "../ports.js";
import { listLimit, pruneKeep } from "../limits.js";
import { assertDistinctAttempts } from "../storage-errors.js";
import { createMemoryDeliveryLeases } from "./memory-delivery-leases.js";
import { DeliverySlots, isFinished, matchesFilter } from "./memory-delivery-slots.js";

/**
 * Text the finished deliveries and their attempts may take at most (about one byte a
 * character), on top of `webhooks.retention`: past it the oldest finished ones go. See
 * memory-journal.ts for why the memory store counts bytes.
 */
export const MEMORY_DELIVERIES_MAX_BYTES = 24 * 1024 * 1024;

/**
 * Deliveries and attempts in maps (memory-delivery-slots.ts holds them and their byte count);
 * the claim and lease calls are in memory-delivery-leases.ts.
 */
export function createMemoryDeliveries(opts: { maxBytes?: number } = {}): DeliveryStore {
  const slots = new DeliverySlots(opts.maxBytes ?? MEMORY_DELIVERIES_MAX_BYTES);
  return {
    readsSeeIssuedWrites: true,
    ...createMemoryDeliveryLeases(slots),
    async insert(d) {
      slots.insert(d);
      slots.dropPastBytes();
    },
    async update(id, patch) {
      const s = slots.all.get(id);
      // Updating a deleted delivery is a no-op: an admin may delete one while it is in flight.
      if (!s) return;
      // Keys given as undefined leave the field alone, as the SQL backends do.
      const copy = structuredClone(patch) as Record<string, unknown>;
      const next = slots.take(s) as unknown as Record<string, unknown>;
      for (const k of Object.keys(copy)) if (k !== "id" && copy[k] !== undefined) next[k] = copy[k];
      slots.store(s, next as unknown as DeliveryRecord);
      slots.dropPastBytes();
    },
    async get(id) {
      const s = slots.all.get(id);
      return s ? slots.record(s) : undefined;
    },
    async list(filter = {}) {
      const limit = listLimit(filter.limit);
      const out: DeliveryRecord[] = [];
      for (const s of slots.newestFirst()) {
        if (out.length >= limit) break;
        if (matchesFilter(s, filter)) out.push(slots.record(s));
      }
      return out;
    },
    async count(filter = {}) {
      let n = 0;
      for (const s of slots.all.values()) if (filter.status === undefined || s.status === filter.status) n++;
      return n;
    },
    async insertFinished(d, list) {
      assertDistinctAttempts(d.id, list);
      slots.insert(d);
      slots.addAttempts(d.id, list);
      slots.dropPastBytes();
    },
    async addAttempt(a) {
      // The attempt of a delivery deleted while it ran (an admin may) is not kept: nothing lists
      // it, and its bytes could never be given back to the budget.
      if (!slots.all.has(a.deliveryId)) return;
      slots.addAttempts(a.deliveryId, [a]);
    },
    async attempts(deliveryId) {
      return slots.attempts(deliveryId).sort((a, b) => a.number - b.number || a.startedAt - b.startedAt);
    },
    async delete(id) {
      return slots.remove(id);
    },
    async prune(max) {
      const finished = slots.newestFirst().filter((s) => isFinished(s.status));
      const doomed = finished.slice(pruneKeep(max));
      for (const s of doomed) slots.remove(s.id);
      return doomed.length;
    },
  };
}
