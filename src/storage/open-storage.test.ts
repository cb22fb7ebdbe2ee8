import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.js";
import { isMockForgeError } from "../core/errors.js";
import { openStorage } from "./open-storage.js";

const dir = mkdtempSync(join(tmpdir(), "mockforge-open-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const deps = { clock: new ManualClock() };

describe("openStorage", () => {
  it("opens memory", async () => {
    const s = await openStorage("memory", deps);
    expect(s.description).toBe("memory");
    await s.close();
  });

  it("opens sqlite:<path> and a bare .db path", async () => {
    const a = await openStorage(`sqlite:${join(dir, "a", "state.db")}`, deps);
    const b = await openStorage(join(dir, "b.db"), deps);
    expect(a.description).toBe(`sqlite:${join(dir, "a", "state.db")}`);
    expect(b.description).toBe(`sqlite:${join(dir, "b.db")}`);
    await a.close();
    await b.close();
  });

  it.each(["redis://localhost", "mysql://x/y.db", "state.sqlite", "", "sqlite:", "Memory "])(
    "rejects %j with MFG_ERR_STORAGE_UNSUPPORTED and a hint listing the forms",
    async (spec) => {
      const err = await openStorage(spec, deps).catch((e: unknown) => e);
      expect(isMockForgeError(err, "MFG_ERR_STORAGE_UNSUPPORTED")).toBe(true);
      expect((err as { details: { hint: string } }).details.hint).toMatch(/memory.*sqlite:<path>.*postgres:\/\//);
    },
  );

  it("routes postgres:// URLs to the postgres backend (a refused connection: storage unavailable, 503)", async () => {
    const err = await openStorage("postgres://nobody@127.0.0.1:1/none", deps).catch((e: unknown) => e);
    expect(isMockForgeError(err, "MFG_ERR_STORAGE_UNAVAILABLE")).toBe(true);
    expect((err as { details: { hint?: string } }).details.hint).toMatch(/PostgreSQL is running/);
  });
});
