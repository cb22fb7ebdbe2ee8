import { existsSync, renameSync } from "node:fs";
import type { Logger } from "../../core/logger.js";
import { driverErrorCode, storageFailure } from "../storage-errors.js";
import { JournalFile } from "./journal-file.js";

/** Driver codes that mean the bytes on disk are not a usable SQLite database. */
const CORRUPT = /^SQLITE_(NOTADB|CORRUPT)/;

/**
 * Opens (and migrates) the journal file once, so a bad path fails when the storage opens. The
 * journal is disposable (a bounded log of requests, not a record of truth), so a file that is
 * not a database any more is moved aside as `<file>.corrupt-<time>` (with its -wal and -shm)
 * and a fresh one is started, with a warning, rather than blocking start-up. Anything else
 * (no permission, a journal from a newer MockForge) is still refused.
 */
export function prepareJournalFile(path: string, busyTimeoutMs: number, logger: Logger, now: () => number): void {
  try {
    new JournalFile(path, busyTimeoutMs).close();
    return;
  } catch (e) {
    if (!CORRUPT.test(driverErrorCode(e) ?? "")) throw refused(path, e);
    const aside = `${path}.corrupt-${new Date(now()).toISOString().replace(/[:.]/g, "-")}`;
    for (const suffix of ["", "-wal", "-shm"]) if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
    logger.warn({ journal: path, movedTo: aside, err: (e as Error).message }, `journal file '${path}' is corrupt; moved it to '${aside}' and started a fresh journal (old requests are not shown)`);
  }
  try {
    new JournalFile(path, busyTimeoutMs).close();
  } catch (e) {
    throw refused(path, e);
  }
}

function refused(path: string, e: unknown) {
  return storageFailure("sqlite", `prepare the journal file '${path}'`, e, "Use a file that MockForge created, or a new path.");
}
