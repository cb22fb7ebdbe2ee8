import type { JournalEntry, JournalFilter, JournalStore } from "../ports.js";
import { expandEntry, packEntry, type StoredEntry } from "../journal-codec.js";
import { listLimit, pruneKeep } from "../limits.js";

/**
 * Text the memory journal keeps at most, over every entry (about one byte a character), on top
 * of `journal.max_entries`: the entries are in the process's heap, and a few large bodies would
 * otherwise decide how much memory `--ephemeral` takes. Past it the oldest entries go.
 */
export const MEMORY_JOURNAL_MAX_BYTES = 24 * 1024 * 1024;

/** One kept entry: what filters read, and the rest as the packed text a SQLite page stores. */
interface Kept {
  id: string;
  time: number;
  method: string;
  path: string;
  routeId: string | null;
  text: string;
}

/**
 * The journal as an array kept in journal order: by `time`, then by arrival, oldest first,
 * which is what the SQL backends do with their sequence column. Keeping it in that order as
 * entries arrive (they almost always come in time order, so this is a push) makes "newest
 * first" a walk from the end and pruning a cut at the front; sorting the whole journal on
 * each prune, which runs every thousand requests, cost a busy server more than serving them.
 *
 * Each entry is kept as its packed JSON text (journal-codec.ts), not as the object: a served
 * request's entry as objects held about six times the memory of its text, and a full journal of
 * 10,000 entries was most of an `--ephemeral` server's heap. Reading parses a fresh copy, so
 * callers never share objects with the store, as with a database.
 */
export function createMemoryJournal(opts: { maxBytes?: number } = {}): JournalStore {
  const maxBytes = opts.maxBytes ?? MEMORY_JOURNAL_MAX_BYTES;
  let entries: Kept[] = [];
  let byId = new Map<string, Kept>();
  let bytes = 0;

  const dropOldest = (n: number): number => {
    for (const k of entries.splice(0, n)) {
      byId.delete(k.id);
      bytes -= k.text.length;
    }
    return n;
  };
  const read = (k: Kept): JournalEntry => expandEntry(JSON.parse(k.text) as StoredEntry, k.id, k.time);

  return {
    append(entry) {
      // An id already journaled is ignored, as the SQL backends do (ON CONFLICT DO NOTHING).
      if (byId.has(entry.id)) return;
      const k: Kept = { id: entry.id, time: entry.time, method: entry.method, path: entry.path, routeId: entry.routeId, text: JSON.stringify(packEntry(entry)) };
      byId.set(k.id, k);
      bytes += k.text.length;
      const last = entries[entries.length - 1];
      if (last === undefined || last.time <= k.time) entries.push(k);
      // Older than the newest (a slow request finishing after a fast later one): after every
      // entry at or before its time, so ties stay in arrival order.
      else entries.splice(firstLaterThan(entries, k.time), 0, k);
      if (bytes > maxBytes) dropPastBytes();
    },
    async list(filter: JournalFilter = {}) {
      const limit = listLimit(filter.limit);
      const out: JournalEntry[] = [];
      for (let i = entries.length - 1; i >= 0 && out.length < limit; i--) {
        const k = entries[i]!;
        // Older entries only from here on.
        if (filter.since !== undefined && k.time < filter.since) break;
        if (filter.method !== undefined && k.method !== filter.method) continue;
        if (filter.path !== undefined && k.path !== filter.path) continue;
        if (filter.routeId !== undefined && k.routeId !== filter.routeId) continue;
        out.push(read(k));
      }
      return out;
    },
    async get(id) {
      const k = byId.get(id);
      return k ? read(k) : undefined;
    },
    async count() {
      return entries.length;
    },
    async clear() {
      entries = [];
      byId = new Map();
      bytes = 0;
    },
    async prune(max) {
      const drop = entries.length - pruneKeep(max);
      return drop > 0 ? dropOldest(drop) : 0;
    },
  };

  /** Drops the oldest entries down to 90% of the budget: one cut for many appends, not one each. */
  function dropPastBytes(): void {
    let n = 0;
    let freed = 0;
    while (n < entries.length - 1 && bytes - freed > maxBytes * 0.9) freed += entries[n++]!.text.length;
    dropOldest(n);
  }
}

/** The index of the first entry whose time is later than `time` (entries are in time order). */
function firstLaterThan(entries: readonly Kept[], time: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid]!.time <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
