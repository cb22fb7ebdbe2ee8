import type { AttemptRecord, DeliveryFilter, DeliveryRecord } from "../ports.js";
import { FINISHED_DELIVERY_STATUSES } from "../limits.js";
import { duplicateAttempt, duplicateDelivery } from "../storage-errors.js";

/**
 * One delivery. An unfinished one is kept as the record (it changes with every attempt); a
 * finished one as its JSON text, which takes a fraction of the memory of the object and is
 * read only when someone asks. `url`, `createdAt`, `sourceKind` and `sourceId` stay beside it
 * for the filters.
 */
export interface Slot {
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

export const isFinished = (status: string): boolean => (FINISHED_DELIVERY_STATUSES as readonly string[]).includes(status);

/**
 * The memory outbox's records and the bytes their text takes: every write goes through here,
 * so the count of bytes (see MEMORY_DELIVERIES_MAX_BYTES) stays true. Pending deliveries are
 * also in a set of their own, so claiming and "when is the next one due" read only those.
 */
export class DeliverySlots {
  readonly all = new Map<string, Slot>();
  readonly pending = new Set<Slot>();
  private readonly attemptsOf = new Map<string, Attempts>();
  private seq = 0;
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  record(s: Slot): DeliveryRecord {
    return s.live ? structuredClone(s.live) : (JSON.parse(s.text!) as DeliveryRecord);
  }

  /** Puts `r` in its slot: as text once finished, and in the pending set while pending. */
  store(s: Slot, r: DeliveryRecord): void {
    s.status = r.status;
    s.url = r.request.url;
    if (isFinished(r.status)) {
      s.live = null;
      s.text = JSON.stringify(r);
      this.bytes += s.text.length;
    } else s.live = r;
    if (r.status === "pending") this.pending.add(s);
    else this.pending.delete(s);
  }

  /** The current record of `s`, to change: a finished one's text stops counting. */
  take(s: Slot): DeliveryRecord {
    if (s.live) return s.live;
    this.bytes -= s.text!.length;
    const r = JSON.parse(s.text!) as DeliveryRecord;
    s.text = null;
    return r;
  }

  patch(s: Slot, patch: Partial<DeliveryRecord>): void {
    this.store(s, Object.assign(this.take(s), patch));
  }

  insert(d: DeliveryRecord): void {
    if (this.all.has(d.id)) throw duplicateDelivery(d.id);
    const s: Slot = { seq: ++this.seq, id: d.id, createdAt: d.createdAt, url: d.request.url, sourceKind: d.sourceKind, sourceId: d.sourceId, status: d.status, live: null, text: null };
    this.all.set(d.id, s);
    this.store(s, structuredClone(d));
  }

  remove(id: string): boolean {
    const s = this.all.get(id);
    if (!s) return false;
    if (s.text) this.bytes -= s.text.length;
    for (const t of this.attemptsOf.get(id)?.texts ?? []) this.bytes -= t.length;
    this.pending.delete(s);
    this.attemptsOf.delete(id);
    return this.all.delete(id);
  }

  /** Past the byte budget: the oldest finished deliveries go, down to 90% of it. */
  dropPastBytes(): void {
    if (this.bytes <= this.maxBytes) return;
    for (const s of this.all.values()) {
      if (this.bytes <= this.maxBytes * 0.9) break;
      if (isFinished(s.status)) this.remove(s.id);
    }
  }

  /** Newest first: createdAt, then insertion order (the SQL backends' sequence column). */
  newestFirst(): Slot[] {
    return [...this.all.values()].sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq);
  }

  /** Adds `list` to the attempts of `deliveryId`, refusing a number it already has. */
  addAttempts(deliveryId: string, list: readonly AttemptRecord[]): void {
    const kept = this.attemptsOf.get(deliveryId) ?? { numbers: [], texts: [] };
    // The same rule as the SQL backends' UNIQUE (delivery_id, number).
    for (const a of list) if (kept.numbers.includes(a.number)) throw duplicateAttempt(deliveryId, a.number);
    for (const a of list) {
      const text = JSON.stringify(a);
      kept.numbers.push(a.number);
      kept.texts.push(text);
      this.bytes += text.length;
    }
    this.attemptsOf.set(deliveryId, kept);
  }

  attempts(deliveryId: string): AttemptRecord[] {
    return (this.attemptsOf.get(deliveryId)?.texts ?? []).map((t) => JSON.parse(t) as AttemptRecord);
  }

  /** The highest attempt number stored for `deliveryId` (0 for none). */
  highestAttempt(deliveryId: string): number {
    return Math.max(0, ...(this.attemptsOf.get(deliveryId)?.numbers ?? []));
  }
}

export const matchesFilter = (s: Slot, f: DeliveryFilter): boolean =>
  (f.status === undefined || s.status === f.status) &&
  (f.url === undefined || s.url.includes(f.url)) &&
  (f.sourceKind === undefined || s.sourceKind === f.sourceKind) &&
  (f.sourceId === undefined || s.sourceId === f.sourceId) &&
  (f.since === undefined || s.createdAt >= f.since);
