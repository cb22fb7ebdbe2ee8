import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isMockForgeError } from "../../core/errors.js";
import { createSqliteStorage } from "./sqlite-storage.js";
import { ensureStateFolder } from "./ensure-folder.js";

const dir = mkdtempSync(join(tmpdir(), "mockforge-folder-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ensureStateFolder", () => {
  it("creates missing folders, level by level", () => {
    ensureStateFolder(join(dir, "a", "b", "state.db"));
    expect(statSync(join(dir, "a", "b")).isDirectory()).toBe(true);
  });

  it("refuses a folder under a regular file with a coded error", () => {
    writeFileSync(join(dir, "plain"), "x");
    expect(() => ensureStateFolder(join(dir, "plain", "state.db"))).toThrowError(/is a file, not a folder/);
  });

  // Node's recursive mkdirSync never returns here (it retries ENOENT forever).
  it("refuses a folder that cannot be created under /proc at once", () => {
    const started = performance.now();
    let err: unknown;
    try {
      createSqliteStorage("/proc/nope/state.db");
    } catch (e) {
      err = e;
    }
    expect(isMockForgeError(err, "MFG_ERR_STORAGE")).toBe(true);
    expect((err as Error).message).toMatch(/cannot create folder '\/proc\/nope'/);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
