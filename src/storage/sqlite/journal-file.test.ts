import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteDatabase } from "./sqlite-database.js";
import { T0, journalEntry } from "../test-support/storage-fixtures.js";
import { JournalFile } from "./journal-file.js";
import { journalPathFor } from "./journal-schema.js";
import { journalPageInput } from "../journal-codec.js";
import { BODY_IS_PARSED_RAW } from "../ports.js";
import { newId } from "../../core/ids.js";
import { seededRandom } from "../../core/random.js";
import { isMockForgeError } from "../../core/errors.js";

const dir = mkdtempSync(join(tmpdir(), "mockforge-journal-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `j-${++n}.journal.db`);
/** Runs `fn` on a journal file of its own, closed afterwards. */
const withJournal = (fn: (f: JournalFile) => void) => {
  const f = new JournalFile(freshPath(), 1000);
  try {
    fn(f);
  } finally {
    f.close();
  }
};
const pageCount = (path: string) => {
  const db = new SqliteDatabase(path, 1000);
  try {
    return Number(db.get("SELECT COUNT(*) AS n FROM journal_pages")!.n);
  } finally {
    db.close();
  }
};

describe("journal file", () => {
  it("sits beside the state file", () => {
    expect(journalPathFor("/x/.mockforge/state.db")).toBe("/x/.mockforge/state.journal.db");
    expect(journalPathFor("/x/state.sqlite")).toBe("/x/state.sqlite.journal.db");
    expect(journalPathFor(":memory:")).toBe(":memory:");
  });

  it("stores the batches of one insert as one page, and splits past 500 entries", () => {
    const path = freshPath();
    const f = new JournalFile(path, 1000);
    try {
      f.insert([journalPageInput([journalEntry(), journalEntry()]), journalPageInput([journalEntry()])]);
      expect(pageCount(path)).toBe(1);
      const many = Array.from({ length: 700 }, (_, i) => journalEntry({ time: T0 + i }));
      f.insert([journalPageInput(many.slice(0, 300)), journalPageInput(many.slice(300))]);
      expect(pageCount(path)).toBe(3);
      expect(f.count()).toBe(703);
      expect(f.list({ limit: 1 })[0]!.time).toBe(T0 + 699);
    } finally {
      f.close();
    }
  });

  it("prunes whole pages, and marks the dropped entries of the page it cuts through", () => {
    const path = freshPath();
    const f = new JournalFile(path, 1000);
    try {
      const entries = Array.from({ length: 30 }, (_, i) => journalEntry({ time: T0 + i }));
      for (let i = 0; i < 30; i += 10) f.insert([journalPageInput(entries.slice(i, i + 10))]);
      expect(f.prune(15)).toBe(15);
      expect(pageCount(path)).toBe(2);
      expect(f.count()).toBe(15);
      expect(f.list({ limit: 100 }).map((e) => e.time)).toEqual(entries.slice(15).reverse().map((e) => e.time));
      expect(f.get(entries[14]!.id)).toBeUndefined();
      expect(f.get(entries[15]!.id)).toEqual(entries[15]);
      // Reopened, the dead marks still hold.
      f.close();
      const again = new JournalFile(path, 1000);
      expect(again.count()).toBe(15);
      expect(again.prune(5)).toBe(10);
      expect(again.list().map((e) => e.time)).toEqual([T0 + 29, T0 + 28, T0 + 27, T0 + 26, T0 + 25]);
      again.close();
    } finally {
      f.close();
    }
  });

  it("prunes by time across pages appended out of order, ties oldest-appended first", () =>
    withJournal((f) => {
      const late = journalEntry({ time: T0 + 50 });
      const tieA = journalEntry({ time: T0 + 20 });
      const tieB = journalEntry({ time: T0 + 20 });
      f.insert([journalPageInput([late, tieA])]);
      f.insert([journalPageInput([journalEntry({ time: T0 + 10 }), tieB])]);
      expect(f.prune(2)).toBe(2);
      expect(f.list().map((e) => e.id)).toEqual([late.id, tieB.id]);
    }));

  it("stores an id once, even when another connection to the file stored it", () => {
    const path = freshPath();
    const a = new JournalFile(path, 1000);
    const b = new JournalFile(path, 1000);
    try {
      const e = journalEntry();
      a.insert([journalPageInput([e])]);
      b.insert([journalPageInput([{ ...e, path: "/again" }, journalEntry()])]);
      expect(a.count()).toBe(2);
      expect(a.get(e.id)!.path).toBe(e.path);
      // b's prune sees a's page, and a's next insert sees that b pruned it away.
      expect(b.prune(1)).toBe(1);
      a.insert([journalPageInput([journalEntry()])]);
      expect(a.count()).toBe(2);
      // A page b cuts through: a's own prune keeps b's marks instead of writing its stale ones back.
      a.insert([journalPageInput(Array.from({ length: 6 }, (_, i) => journalEntry({ time: T0 + 100 + i })))]);
      expect(b.prune(5)).toBe(3);
      expect(a.prune(4)).toBe(1);
      expect(a.count()).toBe(4);
      expect(b.count()).toBe(4);
    } finally {
      a.close();
      b.close();
    }
  });

  it("stores an id once when a batch repeats one from the millisecond the last batch ended in", () =>
    withJournal((f) => {
      const last = journalEntry({ time: T0 + 5 });
      f.insert([journalPageInput([journalEntry({ time: T0 + 4 }), last])]);
      // Same time as the newest stored entry: checked against the ids kept for that time.
      f.insert([journalPageInput([{ ...last, path: "/again" }, journalEntry({ time: T0 + 5 }), journalEntry({ time: T0 + 6 })])]);
      expect(f.count()).toBe(4);
      expect(f.get(last.id)!.path).toBe(last.path);
    }));

  it("stores a resent batch once, even one older than what was stored since", () =>
    withJournal((f) => {
      const early = [journalEntry({ time: T0 + 1 }), journalEntry({ time: T0 + 2 })];
      f.insert([journalPageInput(early)]);
      f.insert([journalPageInput([journalEntry({ time: T0 + 9 })])]);
      // A batch that may have been written before its worker died is sent again, with one more entry.
      f.insert([journalPageInput([...early, journalEntry({ time: T0 + 3 })])]);
      expect(f.count()).toBe(4);
      // Reopened (nothing known in memory), a resend is still stored once.
      const again = new JournalFile(f.path, 1000);
      again.insert([journalPageInput(early)]);
      expect(again.count()).toBe(4);
      again.close();
    }));

  it("forgets what a failed write had noted in memory: the batch sent again is stored whole", () =>
    withJournal((f) => {
      const batch = journalPageInput(Array.from({ length: 500 }, (_, i) => journalEntry({ time: T0 + 1 + (i % 3) })));
      // The second page of this transaction cannot be written, after the first one was.
      const unwritable = { ...journalPageInput([journalEntry({ time: T0 + 9 })]), entries: null as unknown as string };
      expect(() => f.insert([batch, unwritable])).toThrow();
      expect(f.count()).toBe(0);
      f.insert([batch]);
      expect(f.count()).toBe(500);
      expect(f.prune(100)).toBe(400);
    }));

  it("finds an entry by id from the time its id carries, and any other id by reading every page", () =>
    withJournal((f) => {
      const random = seededRandom(7);
      const entries = Array.from({ length: 40 }, (_, i) => journalEntry({ id: newId("req", T0 + i * 1000, random), time: T0 + i * 1000 }));
      for (let i = 0; i < 40; i += 8) f.insert([journalPageInput(entries.slice(i, i + 8))]);
      const plain = journalEntry({ id: "custom-id", time: T0 });
      f.insert([journalPageInput([plain])]);
      expect(f.get(entries[17]!.id)).toEqual(entries[17]);
      expect(f.get("custom-id")).toEqual(plain);
      expect(f.get(newId("req", T0 + 17_000, random))).toBeUndefined();
    }));

  it("reads pages written before entries were packed", () => {
    const path = freshPath();
    const f = new JournalFile(path, 1000);
    const db = new SqliteDatabase(path, 1000);
    try {
      const e = journalEntry({ query: {}, url: "/webhooks/orders", notes: ["n"] });
      const older = { id: e.id, time: e.time, method: e.method, path: e.path, headers: e.headers, routeId: e.routeId, status: e.status, durationMs: e.durationMs, rawBody: e.rawBody, body: e.body, notes: e.notes };
      db.run("INSERT INTO journal_pages (min_time, max_time, count, ids, times, entries) VALUES (?, ?, 1, ?, ?, ?)", [e.time, e.time, JSON.stringify([e.id]), JSON.stringify([e.time]), JSON.stringify([older])]);
      expect(f.list()).toEqual([e]);
      expect(f.get(e.id)).toEqual(e);
    } finally {
      db.close();
      f.close();
    }
  });

  it("reads pages whose entries carry their own id and time, and stores a resend of them once", () => {
    const path = freshPath();
    const f = new JournalFile(path, 1000);
    const db = new SqliteDatabase(path, 1000);
    try {
      // As pages were written before ids and times moved out of the entries: the ids column empty.
      const a = journalEntry({ time: T0 + 1, query: {}, url: "/webhooks/orders", notes: ["n"] });
      const b = journalEntry({ time: T0 + 2, query: {}, url: "/webhooks/orders" });
      const packed = (e: typeof a) => [e.id, e.time, e.method, e.path, e.headers, e.routeId, e.status, e.durationMs, { rawBody: e.rawBody, body: e.body, ...(e.notes.length ? { notes: e.notes } : {}) }];
      db.run("INSERT INTO journal_pages (min_time, max_time, count, ids, times, entries) VALUES (?, ?, 2, '[]', ?, ?)", [a.time, b.time, JSON.stringify([a.time, b.time]), JSON.stringify([a, b].map(packed))]);
      expect(f.list()).toEqual([b, a]);
      expect(f.get(a.id)).toEqual(a);
      // Newer pages (ids beside the entries) and older ones read together.
      const c = journalEntry({ time: T0 + 3 });
      f.insert([journalPageInput([c])]);
      expect(f.list()).toEqual([c, b, a]);
      // A resend older than the newest stored entry reads the stored ids of both kinds of page.
      f.insert([journalPageInput([a, c, journalEntry({ time: T0 + 2 })])]);
      expect(f.count()).toBe(4);
    } finally {
      db.close();
      f.close();
    }
  });

  it("upgrades a file of the format before ids left the entries, and refuses one from a newer MockForge", () => {
    const path = freshPath();
    new JournalFile(path, 1000).close();
    const db = new SqliteDatabase(path, 1000);
    const version = () => Number(db.get("SELECT MAX(version) AS v FROM schema_version")!.v);
    try {
      const current = version();
      // As the previous MockForge left it: one version behind.
      db.run("DELETE FROM schema_version WHERE version = ?", [current]);
      const upgraded = new JournalFile(path, 1000);
      upgraded.insert([journalPageInput([journalEntry()])]);
      upgraded.close();
      expect(version()).toBe(current);
      db.run("INSERT INTO schema_version (version) VALUES (?)", [current + 1]);
      let err: unknown;
      try {
        new JournalFile(path, 1000).close();
      } catch (e) {
        err = e;
      }
      expect(isMockForgeError(err, "MFG_ERR_STORAGE")).toBe(true);
      expect(String((err as Error).message)).toMatch(/schema version/);
    } finally {
      db.close();
    }
  });
});

describe("journal page codec", () => {
  it("leaves ids and times out of the entries' text: they travel and are stored beside it", () => {
    const e = journalEntry({ time: T0 + 7 });
    const page = journalPageInput([e]);
    expect(page.ids).toEqual([e.id]);
    expect(page.times).toEqual([T0 + 7]);
    expect(page.entries).not.toContain(e.id);
    expect(page.entries).not.toContain(String(T0 + 7));
  });

  it("stores a body that is its raw text parsed once, and reads it back parsed", () =>
    withJournal((f) => {
      const rawBody = '{ "order": { "id": "o-1", "qty": 2 } }';
      const e = journalEntry({ rawBody, body: JSON.parse(rawBody), [BODY_IS_PARSED_RAW]: true });
      const page = journalPageInput([e]);
      expect(page.entries).not.toContain('"body"');
      f.insert([page]);
      const { [BODY_IS_PARSED_RAW]: _, ...read } = e;
      expect(f.get(e.id)).toEqual(read);
      // Without the mark (or with a base64 raw body) the body is stored as it is.
      const form = journalEntry({ rawBody: "a=1", body: { a: "1" } });
      expect(journalPageInput([form]).entries).toContain('"body":{"a":"1"}');
      const binary = journalEntry({ rawBody: "/w==", rawBodyEncoding: "base64", body: null, [BODY_IS_PARSED_RAW]: true });
      f.insert([journalPageInput([binary])]);
      expect(f.get(binary.id)!.body).toBeNull();
    }));
});
