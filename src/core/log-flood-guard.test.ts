import { describe, expect, it } from "vitest";
import { ManualClock } from "./clock.js";
import { guardLogFloods } from "./log-flood-guard.js";
import { memoryLogger } from "./logger.js";

describe("guardLogFloods", () => {
  it("logs the first of 4,800 identical errors in full, then one count per interval", async () => {
    const clock = new ManualClock(0);
    const lines = memoryLogger();
    const log = guardLogFloods(lines, clock, 10_000);
    const err = { code: "MFG_ERR_STORAGE", message: "SQLITE_FULL: database or disk is full", stack: "Error: …\n    at insert" };
    for (let i = 0; i < 4800; i++) log.error({ err, deliveryId: `dlv_${i}` }, "route webhook could not be queued");
    expect(lines.lines).toHaveLength(1);
    expect(lines.lines[0]!.obj).toMatchObject({ err, deliveryId: "dlv_0" });
    await clock.advance(10_000);
    expect(lines.lines).toHaveLength(2);
    expect(lines.lines[1]!.msg).toBe("route webhook could not be queued (repeated 4799 more times in the last 10 s)");
    expect(lines.lines[1]!.obj).toMatchObject({ repeated: 4799 });
  });

  it("keeps different errors, and other levels, apart", () => {
    const clock = new ManualClock(0);
    const lines = memoryLogger();
    const log = guardLogFloods(lines, clock);
    log.error({ err: { code: "A", message: "x" } }, "failed");
    log.error({ err: { code: "B", message: "x" } }, "failed");
    log.warn({ err: { code: "A", message: "x" } }, "failed");
    log.info("hello");
    log.info("hello");
    expect(lines.lines.map((l) => l.level)).toEqual(["error", "error", "warn", "info", "info"]);
  });

  it("logs the same error in full again once a quiet interval has passed", async () => {
    const clock = new ManualClock(0);
    const lines = memoryLogger();
    const log = guardLogFloods(lines, clock, 1_000);
    log.error("disk full");
    await clock.advance(2_500);
    log.error("disk full");
    expect(lines.lines.map((l) => l.obj)).toEqual(["disk full", "disk full"]);
  });
});
