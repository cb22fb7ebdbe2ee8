import { describe, expect, it } from "vitest";
import { formatTraceHeader, parseTraceHeader } from "./trace-header.js";

describe("trace header", () => {
  it("round-trips", () => {
    expect(parseTraceHeader(formatTraceHeader({ traceId: "trc_0190ab12cd34ef56", depth: 3 }))).toEqual({
      traceId: "trc_0190ab12cd34ef56",
      depth: 3,
    });
  });

  it.each([
    ["trc_1;depth=2", { traceId: "trc_1", depth: 2 }],
    [" trc_1 ; depth=0 ", { traceId: "trc_1", depth: 0 }],
    ["trc_1", { traceId: "trc_1", depth: 1 }],
    [["trc_2;depth=5", "trc_3;depth=1"], { traceId: "trc_2", depth: 5 }],
    ["", null],
    [undefined, null],
    ["trc_1;depth=abc", null],
    ["trc_1;depth=-1", null],
    ["trc 1;depth=1", null],
    [";depth=1", null],
  ] as const)("parses %j", (value, expected) => {
    expect(parseTraceHeader(value as string | string[] | undefined)).toEqual(expected);
  });
});
