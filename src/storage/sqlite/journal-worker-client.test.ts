import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.js";
import { isMockForgeError } from "../../core/errors.js";
import { memoryLogger, silentLogger } from "../../core/logger.js";
import { T0, journalEntry } from "../test-support/storage-fixtures.js";
import { journalPageInput } from "../journal-codec.js";
import { JournalWorkerClient } from "./journal-worker-client.js";
import { createSqliteJournal } from "./sqlite-journal.js";
import { createSqliteStorage } from "./sqlite-storage.js";

const dir = mkdtempSync(join(tmpdir(), "mockforge-journal-worker-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The client's current worker thread, to kill it the way a crash would. */
const workerOf = (c: JournalWorkerClient) => (c as unknown as { worker: Worker | undefined }).worker;

describe("journal worker", () => {
  it("fails what was pending when the worker dies, and starts a new one for the next request", async () => {
    const client = new JournalWorkerClient({ path: join(dir, "crash.journal.db"), busyTimeoutMs: 1000 }, silentLogger);
    try {
      await client.call({ op: "append", ...journalPageInput([journalEntry()]) });
      const pending = client.call({ op: "count" });
      await workerOf(client)!.terminate();
      const err = await pending.then(
        () => null,
        (e: unknown) => e,
      );
      // Either the reply won the race or the request failed with a storage error; never a hang.
      if (err !== null) expect(isMockForgeError(err, "MFG_ERR_STORAGE")).toBe(true);
      expect(await client.call({ op: "count" })).toBe(1);
    } finally {
      await client.close();
    }
  });

  it("keeps appended entries through a worker crash: the failed batch is sent again", async () => {
    const path = join(dir, "resend.journal.db");
    const clock = new ManualClock(T0);
    const logger = memoryLogger();
    const client = new JournalWorkerClient({ path, busyTimeoutMs: 1000 }, logger);
    const journal = createSqliteJournal(path, { clock, logger, flushMs: 10, batchSize: 200, busyTimeoutMs: 1000 }, client);
    try {
      const first = journalEntry();
      await journal.append(first);
      expect(await journal.count()).toBe(1);
      const second = journalEntry();
      await journal.append(second);
      await clock.advance(10); // the batch is posted to the worker...
      await workerOf(client)!.terminate(); // ...which dies, usually before it answers
      // Whichever won (the reply or the crash), the entry ends up stored: a failed batch stays
      // in the buffer, and the next flush (this read) sends it to a new worker.
      expect(await journal.get(second.id)).toEqual(second);
      const failed = logger.lines.some((l) => /will retry/.test(l.msg ?? ""));
      const answered = !logger.lines.some((l) => l.level === "error");
      expect(failed || answered).toBe(true);
      expect(await journal.count()).toBe(2);
    } finally {
      await journal.close();
    }
  });

  it("keeps journaling when it cannot checkpoint the state file, and says so", async () => {
    const stateDir = join(dir, "not-a-state-file");
    mkdirSync(stateDir, { recursive: true });
    const logger = memoryLogger();
    const client = new JournalWorkerClient({ path: join(dir, "nockpt.journal.db"), busyTimeoutMs: 1000, checkpoint: { path: stateDir, everyMs: 10 } }, logger);
    try {
      await client.call({ op: "append", ...journalPageInput([journalEntry()]) });
      expect(await client.call({ op: "count" })).toBe(1);
      const warned = () => logger.lines.some((l) => l.level === "warn" && /checkpoint failed/.test(l.msg ?? "") && String((l.obj as { err?: string }).err).includes(stateDir));
      for (let i = 0; i < 100 && !warned(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(warned()).toBe(true);
    } finally {
      await client.close();
    }
  });

  it("reports a journal file it cannot open when the storage opens, with the path", () => {
    mkdirSync(join(dir, "bad", "state.journal.db"), { recursive: true });
    let err: unknown;
    try {
      createSqliteStorage(join(dir, "bad", "state.db"));
    } catch (e) {
      err = e;
    }
    expect(isMockForgeError(err, "MFG_ERR_STORAGE")).toBe(true);
    expect(String((err as Error).message)).toContain("state.journal.db");
  });
});
