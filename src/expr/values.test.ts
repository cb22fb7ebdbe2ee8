import { describe, expect, it } from "vitest";
import { deepEqual, isNumericString, toText, truthy } from "./values.js";

describe("values", () => {
  it.each<[unknown, string]>([
    ["s", "s"],
    [null, ""],
    [undefined, ""],
    [12.5, "12.5"],
    [false, "false"],
    [{ a: [1] }, '{"a":[1]}'],
    [Buffer.from("héllo"), "héllo"],
    [new Uint8Array([104, 105]), "hi"],
    [new Date(Date.UTC(2026, 10, 29, 8)), "2026-11-29T08:00:00.000Z"],
  ])("toText(%j) → %j", (v, expected) => {
    expect(toText(v)).toBe(expected);
  });

  it.each<[unknown, boolean]>([
    ["", false], [0, false], [NaN, false], [null, false], [undefined, false], [false, false],
    ["0", true], [[], true], [{}, true], [-1, true],
  ])("truthy(%j) → %s", (v, expected) => {
    expect(truthy(v)).toBe(expected);
  });

  it("recognises decimal numeric strings only", () => {
    for (const s of ["1", " 2 ", "-3.5", "+4", ".5", "1e3"]) expect(isNumericString(s)).toBe(true);
    for (const s of ["", " ", "0x10", "Infinity", "1,000", "abc", "1a"]) expect(isNumericString(s)).toBe(false);
  });

  it("compares structures deeply by own keys", () => {
    expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(deepEqual([1], { 0: 1 })).toBe(false);
  });
});
