/**
 * The journal worker thread: owns the journal file and does every write and read of it, so
 * the main thread only encodes rows and posts them (a few µs per request instead of the
 * insert itself). Requests are handled in arrival order; appends that queued up while the
 * worker was busy share one transaction. It also checkpoints the state file's WAL, the one
 * slow disk operation the main thread's outbox writes would otherwise run into.
 */
import { parentPort, workerData } from "node:worker_threads";
import { isMockForgeError } from "../../core/errors.js";
import { JournalFile } from "./journal-file.js";
import { SqliteDatabase } from "./sqlite-database.js";
import { FreePageReclaimer, WAL_SIZE_LIMIT_BYTES } from "./state-file-space.js";
import type { JournalReply, JournalRequest, JournalWorkerData, JournalWorkerError } from "./journal-worker-protocol.js";

const port = parentPort!;
const data = workerData as JournalWorkerData;
const file = new JournalFile(data.path, data.busyTimeoutMs);
const stopCheckpoints = data.checkpoint ? startCheckpoints(data.checkpoint) : () => undefined;
let queue: JournalRequest[] = [];
let scheduled = false;

port.on("message", (req: JournalRequest) => {
  queue.push(req);
  if (!scheduled) {
    scheduled = true;
    // Let the messages already posted arrive first, so a burst is one transaction.
    setImmediate(drain);
  }
});

function drain(): void {
  scheduled = false;
  const batch = queue;
  queue = [];
  let i = 0;
  while (i < batch.length) {
    if (batch[i]!.op === "append") {
      let j = i;
      while (j < batch.length && batch[j]!.op === "append") j++;
      const appends = batch.slice(i, j) as Extract<JournalRequest, { op: "append" }>[];
      answer(appends, () => {
        file.insert(appends);
        return null;
      });
      i = j;
    } else {
      const req = batch[i++] as Exclude<JournalRequest, { op: "append" }>;
      answer([req], () => handle(req));
    }
  }
}

function handle(req: Exclude<JournalRequest, { op: "append" }>): unknown {
  switch (req.op) {
    case "list":
      return file.list(req.filter);
    case "get":
      return file.get(req.entryId) ?? null;
    case "count":
      return file.count();
    case "clear":
      return file.clear();
    case "prune":
      return file.prune(req.max);
    case "close":
      // Close both connections: SQLite tracks locks per process, and a connection left open
      // by a terminated thread would keep the main thread's close from cleaning up the WAL.
      stopCheckpoints();
      file.close();
      return null;
    default: {
      const never: never = req;
      throw new Error(`unknown journal request ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Checkpoints the state file's WAL from this thread. PASSIVE never waits for locks: it copies
 * what it can and leaves the rest for the next round, so the main thread's writes go on.
 */
function startCheckpoints(c: NonNullable<JournalWorkerData["checkpoint"]>): () => void {
  const report = (what: string, e: unknown) =>
    port.postMessage({ id: 0, ok: false, error: { message: `${what} '${c.path}' failed: ${e instanceof Error ? e.message : String(e)}` } } satisfies JournalReply);
  let state: SqliteDatabase;
  try {
    state = new SqliteDatabase(c.path, data.busyTimeoutMs);
  } catch (e) {
    // The journal still works; the main connection's own (rarer) checkpoints bound the WAL.
    report("opening the state file for checkpoints", e);
    return () => undefined;
  }
  let reported = false;
  // This connection resets the WAL too: the limit truncates it then (state-file-space.ts).
  state.exec(`PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  const reclaimer = new FreePageReclaimer();
  const timer = setInterval(() => {
    try {
      // Pruned deliveries' pages back to the file system, a bounded step per tick, then the
      // checkpoint (which also copies the step's own changes).
      reclaimer.run(state);
      state.exec("PRAGMA wal_checkpoint(PASSIVE)");
      reported = false;
    } catch (e) {
      // Once per failure streak: the main connection's own (rarer) checkpoints still bound the WAL.
      if (!reported) report("checkpoint of", e);
      reported = true;
    }
  }, c.everyMs);
  return () => {
    clearInterval(timer);
    state.close();
  };
}

/** Runs `fn` and sends its result (or its error) to every request in `reqs`. */
function answer(reqs: readonly JournalRequest[], fn: () => unknown): void {
  let reply: { ok: true; result: unknown } | { ok: false; error: JournalWorkerError };
  try {
    reply = { ok: true, result: fn() };
  } catch (e) {
    const hint = isMockForgeError(e) ? e.details.hint : undefined;
    reply = { ok: false, error: { message: e instanceof Error ? e.message : String(e), ...(hint ? { hint } : {}) } };
  }
  for (const r of reqs) port.postMessage({ ...reply, id: r.id } as JournalReply);
}
