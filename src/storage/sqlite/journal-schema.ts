/**
 * Schema of the journal file; never edit a shipped entry. The journal lives in a file of its
 * own (see `journalPathFor`) so that its writer, a worker thread, never waits on the main
 * thread's outbox writes for the one SQLite write lock.
 *
 * Entries are stored in pages: one row holds a JSON array of the entries appended together
 * (a few hundred on a busy server, packed: see ../journal-codec.ts), with their ids and times
 * beside it. A served request costs one JSON.stringify instead of a row insert into five
 * b-trees, which is what lets the journal keep up with the HTTP server. Reads parse pages
 * newest first and stop as soon as no older page can change the answer; the journal is
 * bounded, so that stays small.
 */
export const JOURNAL_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE journal_pages (
    seq INTEGER PRIMARY KEY,
    min_time INTEGER NOT NULL,
    max_time INTEGER NOT NULL,
    count INTEGER NOT NULL,
    ids TEXT NOT NULL,
    times TEXT NOT NULL,
    dead TEXT NOT NULL DEFAULT '[]',
    -- Last: a page's entries span many overflow pages, which SQLite walks to reach any
    -- column after them. Everything read without the entries comes first.
    entries TEXT NOT NULL
  );
  CREATE INDEX journal_pages_max_time ON journal_pages (max_time, seq);
  `,
  // Entries in pages written from here on leave out their id and time, which the ids and times
  // columns hold (see StoredEntry); older pages read as before. Nothing in the file changes:
  // the version is there so that an older MockForge, which would misread such pages, refuses
  // the file instead.
  "SELECT 1",
];

/** `state.db` → `state.journal.db`; `:memory:` stays in memory. */
export function journalPathFor(statePath: string): string {
  if (statePath === ":memory:") return statePath;
  return `${statePath.endsWith(".db") ? statePath.slice(0, -3) : statePath}.journal.db`;
}
