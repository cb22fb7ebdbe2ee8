import { describe, expect, it } from "vitest";
import { idMillisecond, newId } from "./ids.js";
import { seededRandom } from "./random.js";

describe("ids", () => {
  it("carry the millisecond they were made in, and sort by it", () => {
    const random = seededRandom(1);
    const a = newId("req", 1_795_961_974_013.7, random);
    const b = newId("req", 1_795_961_974_014, random);
    expect(a).toMatch(/^req_[0-9a-f]{20}$/);
    expect(idMillisecond(a)).toBe(1_795_961_974_013);
    expect(idMillisecond(b)).toBe(1_795_961_974_014);
    expect(a < b).toBe(true);
  });

  it("give no millisecond for a string newId did not make", () => {
    for (const s of ["", "req_123", "custom-id", "REQ_0000019ac1b2000000000000", "req_0000019ac1b2zzzzzzzz"]) expect(idMillisecond(s)).toBeNull();
  });
});
