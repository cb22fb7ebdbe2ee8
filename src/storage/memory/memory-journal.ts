import type { JournalEntry, JournalFilter, JournalStore } from "../ports.js";
import { listLimit, pruneKeep } from "../limits.js";

/**
 * The journal as an array in arrival order. "Newest first" is by `time`, then by arrival,
 * which is what the SQL backends do with their sequence column.
 */
export function createMemoryJournal(): JournalStore {
  let entries: JournalEntry[] = [];
  let ids = new Set<string>();

  const newestFirst = (): JournalEntry[] =>
    entries
      .map((e, i) => ({ e, i }))
      .sort((a, b) => b.e.time - a.e.time || b.i - a.i)
      .map((x) => x.e);

  return {
    append(entry) {
      // An id already journaled is ignored, as the SQL backends do (ON CONFLICT DO NOTHING).
      if (ids.has(entry.id)) return;
      ids.add(entry.id);
      entries.push(entry);
    },
    async list(filter: JournalFilter = {}) {
      const limit = listLimit(filter.limit);
      const out: JournalEntry[] = [];
      for (const e of newestFirst()) {
        if (out.length >= limit) break;
        if (filter.method !== undefined && e.method !== filter.method) continue;
        if (filter.path !== undefined && e.path !== filter.path) continue;
        if (filter.routeId !== undefined && e.routeId !== filter.routeId) continue;
        if (filter.since !== undefined && e.time < filter.since) continue;
        out.push(structuredClone(e));
      }
      return out;
    },
    async get(id) {
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
      const keep = new Set(newestFirst().slice(0, pruneKeep(max)));
      const before = entries.length;
      entries = entries.filter((e) => keep.has(e));
      ids = new Set(entries.map((e) => e.id));
      return before - entries.length;
    },
  };
}
