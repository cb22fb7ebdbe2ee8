import { describe, expect, it } from "vitest";
import { seededRandom, systemRandom } from "./random.js";

describe("systemRandom.hex", () => {
  it("gives n bytes as lowercase hex, fresh across many refills of its pool", () => {
    const seen = new Set<string>();
    // 8 bytes each: 5,000 calls go through the 4 KiB pool about ten times.
    for (let i = 0; i < 5000; i++) {
      const h = systemRandom.hex(8);
      expect(h).toMatch(/^[0-9a-f]{16}$/);
      seen.add(h);
    }
    expect(seen.size).toBe(5000);
  });

  it("serves a request larger than its pool", () => {
    expect(systemRandom.hex(5000)).toMatch(/^[0-9a-f]{10000}$/);
  });
});

describe("seededRandom", () => {
  it("repeats its sequence for the same seed", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    expect([a.hex(4), a.int(1, 6), a.uuid()]).toEqual([b.hex(4), b.int(1, 6), b.uuid()]);
  });
});
