import { describe, expect, it } from "vitest";
import { createEventBus, type MockForgeEvent } from "./event-bus.js";
import { memoryLogger } from "./logger.js";

describe("event bus", () => {
  it("delivers to listeners of the type only, with an increasing seq and the clock's time", () => {
    const bus = createEventBus({ now: () => 42, logger: memoryLogger() });
    const got: MockForgeEvent[] = [];
    expect(bus.wants("rule.run")).toBe(false);
    const off = bus.subscribe((e) => got.push(e), ["rule.run"]);
    expect(bus.wants("rule.run")).toBe(true);
    expect(bus.wants("chain.run")).toBe(false);
    bus.publish("chain.run", { runId: "r", chainId: "c", status: "running", durationMs: null });
    bus.publish("rule.run", { runId: "r1", rule: "x", status: "succeeded" });
    bus.publish("rule.run", { runId: "r2", rule: "x", status: "failed" });
    expect(got.map((e) => [e.type, e.seq, e.time])).toEqual([
      ["rule.run", 1, 42],
      ["rule.run", 2, 42],
    ]);
    off();
    off();
    expect(bus.listenerCount).toBe(0);
    expect(bus.wants("rule.run")).toBe(false);
  });

  it("a listener that throws is logged and does not stop the others or the publisher", () => {
    const logger = memoryLogger();
    const bus = createEventBus({ now: () => 0, logger });
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error("boom");
    });
    bus.subscribe((e) => seen.push(e.type));
    expect(() => bus.publish("rule.run", { runId: "r", rule: "x", status: "ok" })).not.toThrow();
    expect(seen).toEqual(["rule.run"]);
    expect(logger.lines.some((l) => l.level === "error")).toBe(true);
  });
});
