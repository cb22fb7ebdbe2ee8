import type { JournalFilter } from "../ports.js";
import type { JournalPageInput } from "./journal-file.js";

/** What the journal worker is started with. */
export interface JournalWorkerData {
  path: string;
  busyTimeoutMs: number;
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

export type JournalReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: JournalWorkerError };
