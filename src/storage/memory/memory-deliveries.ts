import type { AttemptRecord, DeliveryFilter, DeliveryRecord, DeliveryStore } from "../ports.js";
import { FINISHED_DELIVERY_STATUSES, listLimit, pruneKeep } from "../limits.js";
import { assertDistinctAttempts, duplicateAttempt, duplicateDelivery } from "../storage-errors.js";

/**
 * Text the finished deliveries and their attempts may take at most (about one byte a
 * character), on top of `webhooks.retention`: past it the oldest finished ones go. See
 * memory-journal.ts for why the memory store counts bytes.
 */
export const MEMORY_DELIVERIES_MAX_BYTES = 24 * 1024 * 1024;

/**
 * One delivery. An unfinished one is kept as the record (it changes with every attempt); a
 * finished one as its JSON text, which takes a fraction of the memory of the object and is
 * read only when someone asks. `url`, `createdAt`, `sourceKind` and `sourceId` stay beside it
 * for the filters.
 */
interface Slot {
  seq: number;
  id: string;
  createdAt: number;
  url: string;
  sourceKind: string;
  sourceId: string | null;
  status: DeliveryRecord["status"];
  live: DeliveryRecord | null;
  text: string | null;
}

interface Attempts {
  numbers: number[];
  texts: string[];
}

const isFinished = (status: string): boolean => (FINISHED_DELIVERY_STATUSES as readonly string[]).includes(status);

/**
 * Deliveries and attempts in maps. Every method runs synchronously inside one tick, so
 * `claimDue` is atomic by construction: two concurrent calls can never see the same pending
 * record. Pending deliveries are also in a set of their own, so claiming and "when is the
 * next one due" read only those, not the whole retained history.
 */
export function createMemoryDeliveries(opts: { maxBytes?: number } = {}): DeliveryStore {
  const maxBytes = opts.maxBytes ?? MEMORY_DELIVERIES_MAX_BYTES;
  const deliveries = new Map<string, Slot>();
  const pending = new Set<Slot>();
  const attempts = new Map<string, Attempts>();
  let seq = 0;
  let bytes = 0;

  const record = (s: Slot): DeliveryRecord => (s.live ? structuredClone(s.live) : (JSON.parse(s.text!) as DeliveryRecord));
  /** Puts `r` in its slot: as text once finished, and in the pending set while pending. */
  const store = (s: Slot, r: DeliveryRecord): void => {
    s.status = r.status;
    s.url = r.request.url;
    if (isFinished(r.status)) {
      s.live = null;
      s.text = JSON.stringify(r);
      bytes += s.text.length;
    } else s.live = r;
    if (r.status === "pending") pending.add(s);
    else pending.delete(s);
  };
  /** The current record of `s`, to change: a finished one's text stops counting. */
  const take = (s: Slot): DeliveryRecord => {
    if (s.live) return s.live;
    bytes -= s.text!.length;
    const r = JSON.parse(s.text!) as DeliveryRecord;
    s.text = null;
    return r;
  };
  const newSlot = (d: DeliveryRecord): Slot => ({ seq: ++seq, id: d.id, createdAt: d.createdAt, url: d.request.url, sourceKind: d.sourceKind, sourceId: d.sourceId, status: d.status, live: null, text: null });
  // Newest first: createdAt, then insertion order (the SQL backends' sequence column).
  const newestFirst = (): Slot[] => [...deliveries.values()].sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq);
  const matches = (s: Slot, f: DeliveryFilter): boolean =>
    (f.status === undefined || s.status === f.status) &&
    (f.url === undefined || s.url.includes(f.url)) &&
    (f.sourceKind === undefined || s.sourceKind === f.sourceKind) &&
    (f.sourceId === undefined || s.sourceId === f.sourceId) &&
    (f.since === undefined || s.createdAt >= f.since);
  const patchRecord = (s: Slot, patch: Partial<DeliveryRecord>): void => store(s, Object.assign(take(s), patch));
  const requeue = (now: number, pick: (r: DeliveryRecord) => boolean): number => {
    let n = 0;
    for (const s of deliveries.values()) {
      if (s.status !== "in_flight" || !pick(s.live!)) continue;
      patchRecord(s, { status: "pending", nextAttemptAt: now, updatedAt: now, leaseOwner: null, leaseUntil: null });
      n++;
    }
    return n;
  };
  const remove = (id: string): boolean => {
    const s = deliveries.get(id);
    if (!s) return false;
    if (s.text) bytes -= s.text.length;
    for (const t of attempts.get(id)?.texts ?? []) bytes -= t.length;
    pending.delete(s);
    attempts.delete(id);
    return deliveries.delete(id);
  };
  /** Past the byte budget: the oldest finished deliveries go, down to 90% of it. */
  const dropPastBytes = (): void => {
    if (bytes <= maxBytes) return;
    for (const s of deliveries.values()) {
      if (bytes <= maxBytes * 0.9) break;
      if (isFinished(s.status)) remove(s.id);
    }
  };
  const insertSlot = (d: DeliveryRecord): void => {
    if (deliveries.has(d.id)) throw duplicateDelivery(d.id);
    const s = newSlot(d);
    deliveries.set(d.id, s);
    store(s, structuredClone(d));
  };

  return {
    readsSeeIssuedWrites: true,
    async insert(d) {
      insertSlot(d);
      dropPastBytes();
    },
    async update(id, patch) {
      const s = deliveries.get(id);
      // Updating a deleted delivery is a no-op: an admin may delete one while it is in flight.
      if (!s) return;
      // Keys given as undefined leave the field alone, as the SQL backends do.
      const copy = structuredClone(patch) as Record<string, unknown>;
      const next = take(s) as unknown as Record<string, unknown>;
      for (const k of Object.keys(copy)) if (k !== "id" && copy[k] !== undefined) next[k] = copy[k];
      store(s, next as unknown as DeliveryRecord);
      dropPastBytes();
    },
    async get(id) {
      const s = deliveries.get(id);
      return s ? record(s) : undefined;
    },
    async list(filter = {}) {
      const limit = listLimit(filter.limit);
      const out: DeliveryRecord[] = [];
      for (const s of newestFirst()) {
        if (out.length >= limit) break;
        if (matches(s, filter)) out.push(record(s));
      }
      return out;
    },
    async count(filter = {}) {
      let n = 0;
      for (const s of deliveries.values()) if (filter.status === undefined || s.status === filter.status) n++;
      return n;
    },
    async insertFinished(d, list) {
      assertDistinctAttempts(d.id, list);
      insertSlot(d);
      const texts = list.map((a) => JSON.stringify(a));
      for (const t of texts) bytes += t.length;
      attempts.set(d.id, { numbers: list.map((a) => a.number), texts });
      dropPastBytes();
    },
    async addAttempt(a) {
      // The attempt of a delivery deleted while it ran (an admin may) is not kept: nothing lists
      // it, and its bytes could never be given back to the budget.
      if (!deliveries.has(a.deliveryId)) return;
      const kept = attempts.get(a.deliveryId) ?? { numbers: [], texts: [] };
      // The same rule as the SQL backends' UNIQUE (delivery_id, number).
      if (kept.numbers.includes(a.number)) throw duplicateAttempt(a.deliveryId, a.number);
      const text = JSON.stringify(a);
      kept.numbers.push(a.number);
      kept.texts.push(text);
      bytes += text.length;
      attempts.set(a.deliveryId, kept);
    },
    async attempts(deliveryId) {
      const list = (attempts.get(deliveryId)?.texts ?? []).map((t) => JSON.parse(t) as AttemptRecord);
      return list.sort((a, b) => a.number - b.number || a.startedAt - b.startedAt);
    },
    async claimDue(now, limit, lease) {
      const due = [...pending]
        .filter((s) => s.live!.nextAttemptAt !== null && s.live!.nextAttemptAt <= now)
        .sort((a, b) => a.live!.nextAttemptAt! - b.live!.nextAttemptAt! || a.seq - b.seq)
        .slice(0, listLimit(limit));
      for (const s of due) {
        // The count comes from the stored attempts, as on the SQL backends (see sqlite-deliveries.ts).
        const attemptCount = Math.max(s.live!.attemptCount, ...(attempts.get(s.id)?.numbers ?? []));
        patchRecord(s, { status: "in_flight", nextAttemptAt: null, updatedAt: now, leaseOwner: lease.owner, leaseUntil: lease.until, attemptCount });
      }
      return due.map(record);
    },
    async renewLeases(ids, lease) {
      let n = 0;
      for (const id of ids) {
        const s = deliveries.get(id);
        if (!s || s.status !== "in_flight" || s.live!.leaseOwner !== lease.owner) continue;
        s.live!.leaseUntil = lease.until;
        n++;
      }
      return n;
    },
    async requeueExpired(now) {
      return requeue(now, (r) => r.leaseUntil === null || r.leaseUntil <= now);
    },
    async leasesByOwner() {
      const by = new Map<string | null, { owner: string | null; count: number; earliestUntil: number | null }>();
      for (const s of deliveries.values()) {
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
      for (const s of pending) {
        const at = s.live!.nextAttemptAt;
        if (at !== null && (min === null || at < min)) min = at;
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
      const finished = newestFirst().filter((s) => isFinished(s.status));
      const doomed = finished.slice(pruneKeep(max));
      for (const s of doomed) remove(s.id);
      return doomed.length;
    },
  };
}
