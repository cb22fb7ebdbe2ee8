/**
 * Keeps the state file's size in step with what it holds (issue 15 item 6). Without this a
 * load test left 194 MB plus a 67 MB WAL for 10.6k retained deliveries: SQLite reuses the pages
 * pruned rows free but never gives them back, and a checkpointed WAL keeps its largest size.
 *
 * - The WAL is truncated to `WAL_SIZE_LIMIT_BYTES` each time it is reset after a checkpoint
 *   (`journal_size_limit`, per connection: set on every connection that writes the file).
 * - The file is in `auto_vacuum = INCREMENTAL` mode, and free pages beyond some slack are given
 *   back a bounded step at a time from the journal worker's checkpoint timer (`FreePageReclaimer`),
 *   so a prune of thousands of deliveries never stalls the main thread at once.
 */
import type { Logger } from "../../core/logger.js";
import type { SqliteDatabase } from "./sqlite-database.js";

/** Largest size the WAL is left at after a reset (it may grow past it between checkpoints). */
export const WAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024;
/** Free pages kept for reuse (steady traffic frees and refills about a prune's worth): 1 MiB or 1/8 of the file. */
const slackPages = (pageCount: number) => Math.max(256, Math.floor(pageCount / 8));

/**
 * Applies the WAL limit to this connection and, for the file's owner, switches a file that is
 * not in incremental auto-vacuum mode to it. That takes one VACUUM, which rewrites the file:
 * instant for a new one, a one-time cost (logged) for a state file written before this rule.
 * Must run before the schema is created, while nothing else uses the file.
 */
export function prepareStateFileSpace(db: SqliteDatabase, o: { owner: boolean; logger: Logger }): void {
  db.exec(`PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  if (!o.owner || db.pragma("auto_vacuum") === 2) return;
  const pages = Number(db.pragma("page_count"));
  const started = Date.now();
  try {
    db.exec("PRAGMA auto_vacuum = INCREMENTAL");
    db.exec("VACUUM");
  } catch (e) {
    // Not worth refusing to start over (a reader holding the file, no room for the copy):
    // the file works as before, pruned pages are reused, and the next start tries again.
    o.logger.warn({ path: db.path, err: e instanceof Error ? e.message : String(e) }, "could not switch the state file to incremental vacuum; pruned deliveries' space is reused but not given back until a later start succeeds");
    return;
  }
  if (pages > 1) {
    o.logger.info({ path: db.path, pages, ms: Date.now() - started }, "state file switched to incremental vacuum (once): pruned deliveries now give their space back");
  }
}

/**
 * Gives free pages back to the file system, one step per call, when more are free than the
 * slack. A step holds the file's write lock (the main thread's next write waits for it), so its
 * size follows how long the last one took: doubled while under 4 ms, halved over 16 ms (which
 * also backs off while the main thread keeps the lock busy). Measured on a state file of
 * deliveries: 256 pages (1 MiB) in 5-12 ms when idle.
 */
export class FreePageReclaimer {
  private step = 128;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Returns how many pages were given back (0 on a file not in incremental mode: one a reader created, not yet opened by its owner). */
  run(db: SqliteDatabase): number {
    const free = Number(db.pragma("freelist_count"));
    const excess = free - slackPages(Number(db.pragma("page_count")));
    if (excess <= 0 || db.pragma("auto_vacuum") !== 2) return 0;
    const pages = Math.min(excess, this.step);
    const started = this.now();
    db.exec(`PRAGMA incremental_vacuum(${pages})`);
    const ms = this.now() - started;
    if (ms < 4) this.step = Math.min(1024, this.step * 2);
    else if (ms > 16) this.step = Math.max(16, Math.floor(this.step / 2));
    return pages;
  }
}
