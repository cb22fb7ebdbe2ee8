import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.js";
import { seededRandom } from "../core/random.js";
import { evaluate } from "./evaluate.js";
import { FUNCTION_NAMES } from "./functions.js";
import { parseExpression } from "./parse-expression.js";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const hmac = (k: string, s: string) => createHmac("sha256", k).update(s).digest("hex");

function run(src: string, scope: Record<string, unknown> = {}, seed = 7) {
  return evaluate(parseExpression(src), scope, { clock: new ManualClock(), random: seededRandom(seed) });
}

describe("function table", () => {
  it("lists exactly the documented functions", () => {
    expect([...FUNCTION_NAMES].sort()).toEqual(
      ["base64", "hash", "hmac_sha1", "hmac_sha256", "json", "lower", "now", "now_unix", "random_int", "upper", "uuid"].sort(),
    );
  });

  it.each<[string, Record<string, unknown>, unknown]>([
    ["hash('abc')", {}, sha("abc")],
    ["hash(b)", { b: { x: 1 } }, sha('{"x":1}')],
    ["hash(n)", { n: 5 }, sha("5")],
    ["hash(missing_is_empty)", { missing_is_empty: null }, sha("")],
    ["hmac_sha256('k', 'msg')", {}, hmac("k", "msg")],
    ["hmac_sha256(key, body)", { key: "s3cret", body: { a: [1] } }, hmac("s3cret", '{"a":[1]}')],
    ["hmac_sha256('k', 'msg', 'hex')", {}, hmac("k", "msg")],
    // base64 of the digest bytes (Shopify's X-Shopify-Hmac-Sha256), not base64 of the hex text.
    ["hmac_sha256('k', 'msg', 'base64')", {}, createHmac("sha256", "k").update("msg").digest("base64")],
    ["hmac_sha1('k', 'msg')", {}, createHmac("sha1", "k").update("msg").digest("hex")],
    ["hmac_sha1('k', 'msg', 'base64')", {}, createHmac("sha1", "k").update("msg").digest("base64")],
    ["base64('hi there')", {}, "aGkgdGhlcmU="],
    ["base64(o)", { o: { a: 1 } }, Buffer.from('{"a":1}').toString("base64")],
    ["json(o)", { o: { a: [1, "x"] } }, '{"a":[1,"x"]}'],
    ["json('x')", {}, '"x"'],
    ["json(nil)", { nil: null }, "null"],
    ["lower('AbC')", {}, "abc"],
    ["upper(s)", { s: "AbC" }, "ABC"],
    ["upper(o)", { o: { a: "b" } }, '{"A":"B"}'],
    ["now()", {}, "2026-11-29T08:00:00.000Z"],
    ["now_unix()", {}, Date.UTC(2026, 10, 29, 8) / 1000],
  ])("%s", (src, scope, expected) => {
    expect(run(src, scope)).toEqual(expected);
  });

  it("uuid() and the uuid name give v4 UUIDs from env.random", () => {
    const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(run("uuid()")).toMatch(v4);
    expect(run("uuid")).toMatch(v4);
    expect(run("uuid()", {}, 3)).toBe(run("uuid()", {}, 3));
    expect(run("uuid() != uuid()")).toBe(true);
  });

  it("random_int is inclusive, deterministic under a seeded random and checks its bounds", () => {
    const seen = new Set<unknown>();
    for (let seed = 0; seed < 200; seed++) seen.add(run("random_int(1, 3)", {}, seed));
    expect([...seen].sort()).toEqual([1, 2, 3]);
    expect(run("random_int(5, '5')")).toBe(5);
    expect(() => run("random_int(3, 1)")).toThrow(expect.objectContaining({ code: "MFG_ERR_EXPR_EVAL" }));
    expect(() => run("random_int(1.5, 3)")).toThrow(expect.objectContaining({ code: "MFG_ERR_EXPR_EVAL" }));
    expect(() => run("random_int('a', 3)")).toThrow(expect.objectContaining({ code: "MFG_ERR_EXPR_EVAL" }));
  });

  it("hmac encodings are hex or base64 only", () => {
    expect(() => run("hmac_sha256('k', 'm', 'binary')")).toThrow(expect.objectContaining({ code: "MFG_ERR_EXPR_EVAL" }));
    expect(() => parseExpression("hmac_sha256('k', 'm', 'hex', 1)")).toThrow();
  });

  it("names an unknown function and lists the table", () => {
    try {
      parseExpression("sha3(x)");
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: "MFG_ERR_EXPR_FORBIDDEN", details: { position: 0 } });
      expect((e as Error).message).toContain("'sha3'");
      expect((e as { details: { hint: string } }).details.hint).toContain("hmac_sha256(key, x, 'hex' | 'base64')");
    }
  });
});
