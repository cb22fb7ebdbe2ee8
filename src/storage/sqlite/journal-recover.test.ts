import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.js";
import { memoryLogger } from "../../core/logger.js";
import { createSqliteStorage } from "./sqlite-storage.js";

const dir = mkdtempSync(join(tmpdir(), "mockforge-journal-corrupt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a corrupt journal file", () => {
  it("is moved aside as .corrupt-<time> with a warning, and the storage starts with a fresh journal", async () => {
    const state = join(dir, "state.db");
    writeFileSync(join(dir, "state.journal.db"), "this is not a sqlite database ".repeat(200));
    const log = memoryLogger();
    const storage = createSqliteStorage(state, { logger: log, clock: new ManualClock(Date.UTC(2026, 11, 7, 5, 0, 0)) });
    try {
      const aside = readdirSync(dir).filter((f) => f.startsWith("state.journal.db.corrupt-"));
      expect(aside).toEqual(["state.journal.db.corrupt-2026-12-07T05-00-00-000Z"]);
      expect(log.lines.some((l) => l.level === "warn" && /is corrupt; moved it to/.test(String(l.msg)))).toBe(true);
      expect(existsSync(join(dir, "state.journal.db"))).toBe(true);
      expect(await storage.journal.count()).toBe(0);
    } finally {
      await storage.close();
    }
  });

  it("the state file itself is never moved aside: a corrupt state.db is refused", () => {
    const state = join(dir, "bad-state.db");
    writeFileSync(state, "not a database either ".repeat(200));
    expect(() => createSqliteStorage(state)).toThrowError(/MFG_ERR_STORAGE|not a database/);
    expect(existsSync(state)).toBe(true);
  });
});
