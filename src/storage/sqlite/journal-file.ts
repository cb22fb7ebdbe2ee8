import { idMillisecond } from "../../core/ids.js";
import { listLimit, pruneKeep } from "../limits.js";
import type { JournalEntry, JournalFilter } from "../ports.js";
import { SqliteDatabase } from "./sqlite-database.js";
import { applyMigrations } from "./sqlite-schema.js";
import { JOURNAL_MIGRATIONS } from "./journal-schema.js";
import { markOldestDead, timeRange, type PageMeta } from "./journal-prune.js";
import { nextNewest, withoutStoredIds, type NewestIds } from "./journal-resend.js";
import { expandEntry, pageIds, type JournalPageInput, type StoredEntry } from "../journal-codec.js";

/**
 * Entries per stored page at most. Reads parse whole pages, and a page leaves the file only
 * once pruning has marked all its entries dead, so pages stay a few hundred entries long.
 */
const MAX_PAGE_ENTRIES = 500;

/** Where an entry sits: its time, its page and its index there (the append order). */
type Slot = { time: number; seq: number; idx: number };
/** Newer first: later time, then later page, then later in the page. */
const newerFirst = (a: Slot, b: Slot) => b.time - a.time || b.seq - a.seq || b.idx - a.idx;

/**
 * The journal file and every operation on it, synchronous (libsql). The journal worker runs
 * it; tests can use it directly.
 *
 * It keeps each page's times in memory, kept in step with the file at every write (another
 * process may share the file), so pruning never reads the pages themselves.
 *
 * Inserts skip ids already stored (a batch resent after a worker restart is stored once):
 * see journal-resend.ts.
 */
export class JournalFile {
  private readonly db: SqliteDatabase;
  private readonly pages = new Map<number, PageMeta>();
  /** Null when not known (a fresh index, or pages another process wrote at that time). */
  private newest: NewestIds | null = null;
  /** SQLite's data_version when the index was last read: it changes only when another connection commits. */
  private syncedVersion: unknown = undefined;

  constructor(readonly path: string, busyTimeoutMs: number) {
    this.db = new SqliteDatabase(path, busyTimeoutMs);
    try {
      // The journal is a bounded log for tests to read, not a record of truth: a commit need
      // not survive an OS crash (a process crash loses nothing committed either way).
      this.db.exec("PRAGMA synchronous = OFF");
      applyMigrations(this.db, JOURNAL_MIGRATIONS, "journal file");
    } catch (e) {
      this.db.close();
      throw e;
    }
  }

  /** Stores `batches` in one transaction, as one page per MAX_PAGE_ENTRIES entries. */
  insert(batches: readonly JournalPageInput[]): void {
    this.inTransaction(() => {
      this.syncPages();
      let page: JournalPageInput[] = [];
      let size = 0;
      for (const b of batches) {
        const fresh = withoutStoredIds(b, this.maxStoredTime(), this.newest, (since) => this.storedIdsSince(since));
        if (fresh.ids.length === 0) continue;
        if (size + fresh.ids.length > MAX_PAGE_ENTRIES && page.length > 0) {
          this.writePage(page);
          page = [];
          size = 0;
        }
        page.push(fresh);
        size += fresh.ids.length;
      }
      if (page.length > 0) this.writePage(page);
    });
  }

  list(filter: JournalFilter = {}): JournalEntry[] {
    const limit = listLimit(filter.limit);
    if (limit === 0) return [];
    const pages = this.db.all("SELECT seq, max_time FROM journal_pages WHERE max_time >= ? ORDER BY max_time DESC, seq DESC", [filter.since ?? -Number.MAX_SAFE_INTEGER]);
    let found: (Slot & { entry: JournalEntry })[] = [];
    for (const p of pages) {
      // Pages come by their newest entry, so once `limit` entries newer than this page's
      // newest are found, no remaining page can contribute.
      if (found.length >= limit && Number(p.max_time) < found[limit - 1]!.time) break;
      for (const { entry, idx } of this.pageEntries(Number(p.seq))) {
        if (matches(entry, filter)) found.push({ entry, time: entry.time, seq: Number(p.seq), idx });
      }
      found.sort(newerFirst);
      if (found.length > limit) found = found.slice(0, limit);
    }
    return found.map((f) => f.entry);
  }

  /**
   * A MockForge id carries its millisecond (see core/ids.ts), and an entry's time is the one its
   * id was made with: the pages around that time are read first, the rest only if it is not there.
   */
  get(id: string): JournalEntry | undefined {
    const t = idMillisecond(id) ?? Number.NaN;
    const seqs = this.db.all("SELECT seq, min_time, max_time FROM journal_pages ORDER BY seq").map((r) => ({ seq: Number(r.seq), near: Number(r.min_time) < t + 1 && Number(r.max_time) >= t }));
    for (const { seq } of [...seqs.filter((p) => p.near), ...seqs.filter((p) => !p.near)]) {
      const hit = this.pageEntries(seq).find((e) => e.entry.id === id);
      if (hit) return hit.entry;
    }
    return undefined;
  }

  count(): number {
    return Number(this.db.get("SELECT COALESCE(SUM(count), 0) AS n FROM journal_pages")!.n);
  }

  clear(): number {
    return this.inTransaction(() => {
      const n = this.count();
      this.db.run("DELETE FROM journal_pages");
      this.pages.clear();
      this.newest = null;
      return n;
    });
  }

  /**
   * Keeps the newest `max` entries (by time, then append order); returns how many were
   * removed. It works from the page times in memory (see journal-prune.ts): the pages wholly
   * before the boundary are deleted and the page it cuts through gets its dropped entries
   * marked dead.
   */
  prune(max: number): number {
    const keep = pruneKeep(max);
    if (keep === 0) return this.clear();
    return this.inTransaction(() => {
      this.syncPages();
      const { drop, changed } = markOldestDead(this.pages, keep);
      for (const seq of changed) {
        const p = this.pages.get(seq)!;
        if (p.dead.size === p.times.length) {
          this.db.run("DELETE FROM journal_pages WHERE seq = ?", [seq]);
          this.forget(seq);
        } else {
          this.db.run("UPDATE journal_pages SET count = ?, dead = ? WHERE seq = ?", [p.times.length - p.dead.size, JSON.stringify([...p.dead]), seq]);
        }
      }
      return drop;
    });
  }

  close(): void {
    this.db.close();
  }

  /**
   * One transaction; if it fails, the page index in memory may hold what was rolled back,
   * so it is dropped and read again from the file at the next write.
   */
  private inTransaction<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn);
    } catch (e) {
      this.pages.clear();
      this.newest = null;
      this.syncedVersion = undefined;
      throw e;
    }
  }

  /** The live entries of a page, each with its index in the page (pruned ones are left out). */
  private pageEntries(seq: number): { entry: JournalEntry; idx: number }[] {
    const row = this.db.get("SELECT ids, times, entries, dead FROM journal_pages WHERE seq = ?", [seq]);
    if (!row) return [];
    const dead = new Set(JSON.parse(String(row.dead)) as number[]);
    // Empty in pages whose entries carry their own ids (see StoredEntry).
    const ids = JSON.parse(String(row.ids)) as string[];
    const times = JSON.parse(String(row.times)) as number[];
    const out: { entry: JournalEntry; idx: number }[] = [];
    (JSON.parse(String(row.entries)) as StoredEntry[]).forEach((e, idx) => dead.has(idx) || out.push({ entry: expandEntry(e, ids[idx] ?? "", times[idx]!), idx }));
    return out;
  }

  private writePage(parts: readonly JournalPageInput[]): void {
    const merged: JournalPageInput =
      parts.length === 1
        ? parts[0]!
        : { entries: `[${parts.map((p) => p.entries.slice(1, -1)).join(",")}]`, ids: parts.flatMap((p) => p.ids), times: parts.flatMap((p) => p.times) };
    const { minTime, maxTime } = timeRange(merged.times);
    const newestBefore = this.maxStoredTime();
    this.db.run("INSERT INTO journal_pages (min_time, max_time, count, ids, times, entries) VALUES (?, ?, ?, ?, ?, ?)", [minTime, maxTime, merged.times.length, JSON.stringify(merged.ids), JSON.stringify(merged.times), merged.entries]);
    const seq = Number(this.db.get("SELECT last_insert_rowid() AS seq")!.seq);
    this.pages.set(seq, { times: merged.times, minTime, maxTime, dead: new Set() });
    this.newest = nextNewest(this.newest, merged, maxTime, newestBefore);
  }

  /** The newest time stored (-Infinity for none). */
  private maxStoredTime(): number {
    let max = -Infinity;
    for (const p of this.pages.values()) if (p.maxTime > max) max = p.maxTime;
    return max;
  }

  /** Every id stored in a page holding an entry at `since` or later (pruned ones too): the slow path of a resend. */
  private storedIdsSince(since: number): Set<string> {
    const ids = new Set<string>();
    for (const r of this.db.all("SELECT ids, entries FROM journal_pages WHERE max_time >= ?", [since])) for (const id of pageIds(String(r.ids), String(r.entries))) ids.add(id);
    return ids;
  }

  /**
   * Brings the in-memory page index in step with the file: pages another process wrote are
   * read (times and dead marks only), pages it deleted are forgotten. When no other
   * connection committed since the last look (the usual case) it costs one pragma.
   */
  private syncPages(): void {
    const version = this.db.pragma("data_version");
    if (version === this.syncedVersion) return;
    this.syncedVersion = version;
    const stored = new Set<number>();
    const missing: number[] = [];
    for (const r of this.db.all("SELECT seq, dead FROM journal_pages")) {
      const seq = Number(r.seq);
      stored.add(seq);
      const meta = this.pages.get(seq);
      if (!meta) missing.push(seq);
      // Another process may have pruned part of a page we know: take its marks, or our next
      // write of this page's marks would bring its entries back.
      else if (String(r.dead) !== "[]") {
        const dead = JSON.parse(String(r.dead)) as number[];
        if (dead.length !== meta.dead.size) meta.dead = new Set(dead); // marks only ever grow
      }
    }
    for (const seq of [...this.pages.keys()]) if (!stored.has(seq)) this.forget(seq);
    for (const seq of missing) {
      const r = this.db.get("SELECT times, dead FROM journal_pages WHERE seq = ?", [seq])!;
      const times = JSON.parse(String(r.times)) as number[];
      const meta: PageMeta = { times, ...timeRange(times), dead: new Set(JSON.parse(String(r.dead)) as number[]) };
      this.pages.set(seq, meta);
      // Ids this file did not write may sit at the newest time: check against the pages instead.
      if (this.newest !== null && meta.maxTime >= this.newest.time) this.newest = null;
    }
  }

  private forget(seq: number): void {
    const meta = this.pages.get(seq);
    if (!meta) return;
    this.pages.delete(seq);
    // Its ids may no longer be stored: stop answering "stored" for them from memory.
    if (this.newest !== null && meta.maxTime >= this.newest.time) this.newest = null;
  }
}

function matches(e: JournalEntry, f: JournalFilter): boolean {
  return (
    (f.method === undefined || e.method === f.method) &&
    (f.path === undefined || e.path === f.path) &&
    (f.routeId === undefined || e.routeId === f.routeId) &&
    (f.since === undefined || e.time >= f.since)
  );
}
