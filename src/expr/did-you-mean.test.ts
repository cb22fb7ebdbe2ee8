import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.js";
import { seededRandom } from "../core/random.js";
import { didYouMean } from "./did-you-mean.js";
import { evaluate } from "./evaluate.js";
import { parseExpression } from "./parse-expression.js";

describe("didYouMean", () => {
  it.each<[string, string[], string | undefined]>([
    ["mehtod", ["method", "path"], "method"],
    ["stauts", ["status", "headers"], "status"],
    ["requst", ["request", "response"], "request"],
    ["x", ["y"], undefined],
    ["completely_else", ["method"], undefined],
  ])("%s among %j → %s", (name, candidates, expected) => {
    expect(didYouMean(name, candidates)).toBe(expected);
  });

  it("is used in missing-name and unknown-function hints", () => {
    const env = { clock: new ManualClock(), random: seededRandom(1), strict: true };
    expect(() => evaluate(parseExpression("mehtod == 'POST'"), { method: "POST" }, env)).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ hint: expect.stringContaining("Did you mean 'method'?") }) }),
    );
    expect(() => parseExpression("hmac_sha265(k, x)")).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ hint: expect.stringContaining("Did you mean 'hmac_sha256'?") }) }),
    );
  });
});
