import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.js";
import { memoryLogger } from "../core/logger.js";
import { createMemoryStorage } from "../storage/memory/memory-storage.js";
import { createSqliteStorage } from "../storage/sqlite/sqlite-storage.js";
import { run } from "../storage/test-support/storage-fixtures.js";
import { clusterStatus, formatClusterStatus } from "./cluster-status.js";
import { createMembership } from "./membership.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const self = { host: "127.0.0.1", port: 3000, version: "0.1.0", pid: 1 };

describe("membership", () => {
  it("registers, heartbeats every second, and shows a member whose heartbeat is older than the lease as dead", async () => {
    const clock = new ManualClock();
    const storage = createMemoryStorage();
    const m = createMembership({ storage, clock, logger: memoryLogger(), self, leaseMs: 3000 });
    await m.start();
    await storage.members.register({ id: "mbr_other", host: "10.0.0.2", port: 3001, version: "0.1.0", pid: 2, startedAt: clock.now(), heartbeatAt: clock.now(), stoppedAt: null });
    await clock.advance(2000);
    expect((await m.members()).map((x) => [x.id, x.alive, x.self])).toEqual([
      [storage.instanceId, true, true],
      ["mbr_other", true, false],
    ]);
    expect((await storage.members.list())[0]!.heartbeatAt).toBe(clock.now()); // two beats so far, the last one now
    await clock.advance(1000); // the other one's heartbeat is now 3000 ms old: dead
    expect((await m.members()).map((x) => x.alive)).toEqual([true, false]);

    const status = await clusterStatus(storage, m, clock, 3000);
    expect(status).toMatchObject({ self: storage.instanceId, shared: false, queue: { pending: 0, inFlight: 0 } });
    expect(formatClusterStatus(status)).toMatch(/mbr_other\s+dead\s+10\.0\.0\.2:3001/);
    await m.stop();
    expect((await storage.members.list())[0]!.stoppedAt).toBe(clock.now());
    expect(clock.pending).toBe(0);
  });

  it("on a single-owner store, marks runs a previous process left running as interrupted at start", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mockforge-members-"));
    dirs.push(dir);
    const path = join(dir, "state.db");
    const before = createSqliteStorage(path);
    const cut = run({ status: "running", finishedAt: null });
    await before.runs.put(cut);
    await before.close(); // as if killed: the run never finished

    const clock = new ManualClock();
    const after = createSqliteStorage(path);
    const logs = memoryLogger();
    const m = createMembership({ storage: after, clock, logger: logs, self, leaseMs: 3000 });
    await m.start();
    const mine = run({ status: "running", finishedAt: null });
    await after.runs.put(mine);
    await clock.advance(5000);
    expect(await after.runs.get(cut.id)).toMatchObject({ status: "interrupted", finishedAt: clock.now() - 5000 });
    expect((await after.runs.get(mine.id))!.status).toBe("running");
    expect(logs.lines.some((l) => l.level === "warn" && /interrupted/.test(String(l.msg)))).toBe(true);
    await m.stop();
    await after.close();
  });
});
