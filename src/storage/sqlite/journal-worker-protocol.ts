import type { JournalFilter } from "../ports.js";
import type { JournalPageInput } from "../journal-codec.js";

/** What the journal worker is started with. */
export interface JournalWorkerData {
  path: string;
  busyTimeoutMs: number;
  /**
   * The state file whose WAL this worker checkpoints every `everyMs` (see sqlite-storage.ts):
   * a checkpoint copies megabytes and syncs the disk, which would stall the main thread.
   */
  checkpoint?: { path: string; everyMs: number };
}

/** What the main thread asks of the journal worker; every request gets one reply with its `id`. */
export type JournalRequest =
  | ({ id: number; op: "append" } & JournalPageInput)
  | { id: number; op: "list"; filter: JournalFilter }
  | { id: number; op: "get"; entryId: string }
  | { id: number; op: "count" }
  | { id: number; op: "clear" }
  | { id: number; op: "prune"; max: number }
  | { id: number; op: "close" };

/** Errors cross the thread boundary as plain data. */
export interface JournalWorkerError {
  message: string;
  hint?: string;
}

/** `id` 0 is not a reply but a report from the worker itself (a failed background checkpoint). */
export type JournalReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: JournalWorkerError };
