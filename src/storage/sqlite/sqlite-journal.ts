import type { JournalEntry, JournalFilter, JournalStore } from "../ports.js";
import { JournalBuffer, type JournalBufferOptions } from "../journal-buffer.js";
import { prepareJournalFile } from "./journal-recover.js";
import { journalPageInput } from "../journal-codec.js";
import { JournalWorkerClient } from "./journal-worker-client.js";
import type { JournalWorkerData } from "./journal-worker-protocol.js";

/** A sqlite journal that also exposes `close`, for the storage's close. */
export interface SqliteJournal extends JournalStore {
  close(): Promise<void>;
}

/**
 * The journal on sqlite, in its own file (`journalPathFor`), written and read by a worker
 * thread: the main thread buffers entries, encodes each batch as one JSON text and posts
 * it (one string crosses the thread boundary, not a structured clone of every entry). Reads
 * flush first, and the worker answers requests in order, so a read sees every entry
 * appended before it.
 *
 * The file is opened (and its schema made) here, synchronously, so a bad path fails when the
 * storage opens, not at the first request.
 */
export function createSqliteJournal(
  path: string,
  opts: Omit<JournalBufferOptions, "backend"> & { busyTimeoutMs: number; checkpoint?: JournalWorkerData["checkpoint"] },
  worker = new JournalWorkerClient({ path, busyTimeoutMs: opts.busyTimeoutMs, ...(opts.checkpoint ? { checkpoint: opts.checkpoint } : {}) }, opts.logger),
): SqliteJournal {
  if (path !== ":memory:") prepareJournalFile(path, opts.busyTimeoutMs, opts.logger, () => opts.clock.now());
  const buffer = new JournalBuffer(
    (batch) => worker.call({ op: "append", ...journalPageInput(batch) }),
    { ...opts, backend: "sqlite" },
  );

  return {
    async close() {
      try {
        await buffer.close();
      } finally {
        await worker.close();
      }
    },
    append(entry) {
      buffer.push(entry);
    },
    async list(filter: JournalFilter = {}) {
      await buffer.flush();
      return worker.call<JournalEntry[]>({ op: "list", filter });
    },
    async get(id) {
      await buffer.flush();
      return (await worker.call<JournalEntry | null>({ op: "get", entryId: id })) ?? undefined;
    },
    async count() {
      await buffer.flush();
      return worker.call<number>({ op: "count" });
    },
    async clear() {
      await buffer.flush();
      await worker.call({ op: "clear" });
    },
    async prune(max) {
      await buffer.flush();
      return worker.call<number>({ op: "prune", max });
    },
  };
}
