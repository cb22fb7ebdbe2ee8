import type { JournalEntry, JournalFilter, JournalStore } from "../ports.js";
import { listLimit, pruneKeep } from "../limits.js";

/**
 * The journal as an array kept in journal order: by `time`, then by arrival, oldest first,
 * which is what the SQL backends do with their sequence column. Keeping it in that order as
 * entries arrive (they almost always come in time order, so this is a push) makes "newest
 * first" a walk from the end and pruning a cut at the front; sorting the whole journal on
 * each prune, which runs every thousand requests, cost a busy server more than serving them.
 */
export function createMemoryJournal(): JournalStore {
  let entries: JournalEntry[] = [];
  let ids = new Set<string>();

  return {
    append(entry) {
      // An id already journaled is ignored, as the SQL backends do (ON CONFLICT DO NOTHING).
      if (ids.has(entry.id)) return;
      ids.add(entry.id);
      const last = entries[entries.length - 1];
      if (last === undefined || last.time <= entry.time) entries.push(entry);
      // Older than the newest (a slow request finishing after a fast later one): after every
      // entry at or before its time, so ties stay in arrival order.
      else entries.splice(firstLaterThan(entries, entry.time), 0, entry);
    },
    async list(filter: JournalFilter = {}) {
      const limit = listLimit(filter.limit);
      const out: JournalEntry[] = [];
      for (let i = entries.length - 1; i >= 0 && out.length < limit; i--) {
        const e = entries[i]!;
        // Older entries only from here on.
        if (filter.since !== undefined && e.time < filter.since) break;
        if (filter.method !== undefined && e.method !== filter.method) continue;
        if (filter.path !== undefined && e.path !== filter.path) continue;
        if (filter.routeId !== undefined && e.routeId !== filter.routeId) continue;
        out.push(structuredClone(e));
      }
      return out;
    },
    async get(id) {
      if (!ids.has(id)) return undefined;
      const e = entries.find((x) => x.id === id);
      return e ? structuredClone(e) : undefined;
    },
    async count() {
      return entries.length;
    },
    async clear() {
      entries = [];
      ids = new Set();
    },
    async prune(max) {
      const drop = entries.length - pruneKeep(max);
      if (drop <= 0) return 0;
      for (const e of entries.splice(0, drop)) ids.delete(e.id);
      return drop;
    },
  };
}

/** The index of the first entry whose time is later than `time` (entries are in time order). */
function firstLaterThan(entries: readonly JournalEntry[], time: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid]!.time <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
