import { MockForgeError } from "../core/errors.js";
import type { Clock } from "../core/clock.js";
import type { JournalEntry, JournalStore } from "../storage/ports.js";
import type { JournalRecorder } from "./journal-recorder.js";

export interface WaitSpec {
  method?: string;
  path?: string;
  /** Extra predicate over the entry (compiled from `where=`). */
  where?: (e: JournalEntry) => boolean;
  /** Only entries at or after this time (epoch ms). */
  since?: number;
  count: number;
  timeoutMs: number;
}

/**
 * Long-poll waits on the journal: resolves as soon as `count` matching requests exist
 * (those already journaled count), so tests never sleep-and-poll. Rejects with
 * MFG_ERR_WAIT_TIMEOUT carrying what was seen.
 */
export function waitForRequests(journal: JournalStore, recorder: JournalRecorder, clock: Clock, spec: WaitSpec): Promise<JournalEntry[]> {
  const matches = (e: JournalEntry) =>
    (!spec.method || e.method === spec.method.toUpperCase()) &&
    (!spec.path || e.path === spec.path) &&
    (spec.since === undefined || e.time >= spec.since) &&
    (!spec.where || spec.where(e));

  return new Promise((resolve, reject) => {
    const seen = new Map<string, JournalEntry>();
    let done = false;
    const finish = (err?: MockForgeError) => {
      if (done) return;
      done = true;
      unsubscribe();
      clock.clearTimeout(timer);
      const list = [...seen.values()].sort((a, b) => a.time - b.time);
      if (err) {
        err.details.seen = list;
        reject(err);
      } else resolve(list.slice(0, spec.count));
    };
    const consider = (e: JournalEntry) => {
      if (done || !matches(e)) return;
      seen.set(e.id, e);
      if (seen.size >= spec.count) finish();
    };
    // Subscribe before reading the store so nothing that arrives in between is missed.
    const unsubscribe = recorder.onEntry(consider);
    const timer = clock.setTimeout(
      () =>
        finish(
          new MockForgeError("MFG_ERR_WAIT_TIMEOUT", `Saw ${seen.size} of ${spec.count} matching requests within ${spec.timeoutMs} ms`, {
            hint: "Check the method/path/where filters against GET /__mockforge/requests",
          }),
        ),
      spec.timeoutMs,
    );
    journal
      .list({ method: spec.method?.toUpperCase(), path: spec.path, since: spec.since, limit: 10_000 })
      .then((entries) => entries.forEach(consider))
      .catch((e) => finish(new MockForgeError("MFG_ERR_STORAGE", `Could not read the journal: ${(e as Error).message}`)));
  });
}
