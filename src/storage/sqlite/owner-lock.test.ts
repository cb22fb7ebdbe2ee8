import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isMockForgeError } from "../../core/errors.js";
import { memoryLogger } from "../../core/logger.js";
import { acquireOwnerLock } from "./owner-lock.js";
import { createSqliteStorage } from "./sqlite-storage.js";

const dir = mkdtempSync(join(tmpdir(), "mockforge-lock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const now = () => Date.UTC(2026, 11, 7);

describe("SQLite single owner", () => {
  it("a second owner is refused, naming the owner's pid and PostgreSQL; the file is free again after close", async () => {
    const path = join(dir, "a.db");
    const first = createSqliteStorage(path, { owner: true });
    let err: unknown;
    try {
      createSqliteStorage(path, { owner: true });
    } catch (e) {
      err = e;
    }
    expect(isMockForgeError(err, "MFG_ERR_STORAGE_LOCKED")).toBe(true);
    expect((err as Error).message).toContain(`pid ${process.pid}`);
    expect((err as { details: { hint: string } }).details.hint).toMatch(/PostgreSQL/);
    // A reader (the CLI's `deliveries list`) does not need the lock.
    const reader = createSqliteStorage(path);
    await reader.close();
    await first.close();
    expect(existsSync(`${path}.lock`)).toBe(false);
    const again = createSqliteStorage(path, { owner: true });
    await again.close();
  });

  it("takes over a lock whose pid is gone, with a warning", () => {
    const path = join(dir, "b.db");
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: 999_999_999, host: hostname(), since: "then" }));
    const log = memoryLogger();
    const lock = acquireOwnerLock(path, log, now, (pid) => pid !== 999_999_999);
    expect(JSON.parse(readFileSync(`${path}.lock`, "utf8")).pid).toBe(process.pid);
    expect(log.lines.some((l) => l.level === "warn" && /pid 999999999, which is no longer running/.test(String(l.msg)))).toBe(true);
    lock.release();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it("never takes over a live owner, nor removes a lock that is not its own", () => {
    const path = join(dir, "c.db");
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: 4242, host: hostname(), since: "then" }));
    expect(() => acquireOwnerLock(path, memoryLogger(), now, () => true)).toThrowError(/in use by pid 4242/);
    expect(existsSync(`${path}.lock`)).toBe(true);
  });
});
