import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.js";
import { isMockForgeError } from "../core/errors.js";
import { memoryLogger } from "../core/logger.js";
import { JournalBuffer } from "./journal-buffer.js";
import type { JournalEntry } from "./ports.js";
import { journalEntry } from "./test-support/storage-fixtures.js";

function setup(batchSize = 3, maxBuffered?: number) {
  const clock = new ManualClock();
  const logger = memoryLogger();
  const written: JournalEntry[][] = [];
  let failNext = 0;
  const buffer = new JournalBuffer(
    (batch) => {
      if (failNext > 0) {
        failNext--;
        throw new Error("disk full");
      }
      written.push(batch);
    },
    { clock, logger, flushMs: 20, batchSize, backend: "test", ...(maxBuffered ? { maxBuffered } : {}) },
  );
  return { clock, logger, written, buffer, failAfter: (n: number) => (failNext = n) };
}

describe("JournalBuffer", () => {
  it("writes after flushMs on the clock, or at once when a batch is full, in batches of batchSize", async () => {
    const { clock, written, buffer } = setup(3);
    buffer.push(journalEntry());
    await clock.advance(19);
    expect(written).toHaveLength(0);
    await clock.advance(1);
    expect(written.map((b) => b.length)).toEqual([1]);
    for (let i = 0; i < 3; i++) buffer.push(journalEntry());
    await clock.advance(0);
    expect(written.map((b) => b.length)).toEqual([1, 3]);
    for (let i = 0; i < 7; i++) buffer.push(journalEntry());
    await buffer.flush();
    expect(written.map((b) => b.length)).toEqual([1, 3, 3, 3, 1]);
  });

  it("takes pushed entries as they are, without copying (the hot path; callers hand them over)", async () => {
    const { written, buffer } = setup();
    const e = journalEntry();
    buffer.push(e);
    await buffer.flush();
    expect(written[0]![0]).toBe(e);
  });

  it("keeps a failed batch, logs, retries with backoff, and surfaces the error to an explicit flush", async () => {
    const { clock, logger, written, buffer, failAfter } = setup(10);
    failAfter(2);
    const first = journalEntry();
    buffer.push(first);
    await clock.advance(20); // fails: retry in 40 ms
    expect(logger.lines.filter((l) => l.level === "error")).toHaveLength(1);
    await clock.advance(39);
    expect(logger.lines.filter((l) => l.level === "error")).toHaveLength(1);
    await clock.advance(1); // fails again: retry in 80 ms
    expect(logger.lines.filter((l) => l.level === "error")).toHaveLength(2);
    const second = journalEntry();
    buffer.push(second);
    await buffer.flush(); // succeeds now, in order
    expect(written.flat().map((e) => e.id)).toEqual([first.id, second.id]);

    failAfter(1);
    buffer.push(journalEntry());
    await expect(buffer.flush()).rejects.toThrow("disk full");
    await buffer.flush();
    expect(written.flat()).toHaveLength(3);
  });

  it("bounds memory while writes keep failing: drops the oldest, says so once, and again when writes work", async () => {
    const { logger, written, buffer, failAfter } = setup(1000, 100);
    failAfter(1000);
    const entries = Array.from({ length: 250 }, (_, i) => journalEntry({ time: i }));
    for (const e of entries) buffer.push(e);
    await expect(buffer.flush()).rejects.toThrow("disk full");
    const dropping = logger.lines.filter((l) => /dropping the oldest/.test(l.msg ?? ""));
    expect(dropping).toHaveLength(1);
    failAfter(0);
    await buffer.flush();
    const kept = written.flat();
    expect(kept.length).toBeLessThanOrEqual(100);
    expect(kept.at(-1)!.id).toBe(entries.at(-1)!.id); // the newest survive
    expect(kept.map((e) => e.time)).toEqual([...kept.map((e) => e.time)].sort((a, b) => a - b));
    expect(logger.lines.some((l) => l.level === "warn" && /were dropped meanwhile/.test(l.msg ?? ""))).toBe(true);
  });

  it("close flushes, leaves no timer, and refuses later pushes", async () => {
    const { clock, written, buffer } = setup();
    buffer.push(journalEntry());
    await buffer.close();
    expect(written.flat()).toHaveLength(1);
    expect(clock.pending).toBe(0);
    let err: unknown;
    try {
      buffer.push(journalEntry());
    } catch (e) {
      err = e;
    }
    expect(isMockForgeError(err, "MFG_ERR_STORAGE")).toBe(true);
  });
});
