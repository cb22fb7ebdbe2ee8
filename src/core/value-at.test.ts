import { describe, expect, it } from "vitest";
import { headerValue, valueAt } from "./value-at.js";

describe("valueAt", () => {
  const doc = { items: [{ id: "it_1" }], "odd key": { v: true }, n: null, s: "text" };

  it("follows keys and array positions given as numbers or text", () => {
    expect(valueAt(doc, ["items", 0, "id"])).toBe("it_1");
    expect(valueAt(doc, ["items", "0", "id"])).toBe("it_1");
    expect(valueAt(doc, ["odd key", "v"])).toBe(true);
    expect(valueAt(doc, [])).toBe(doc);
  });

  it("is undefined past a missing key, a null, or a value that is not an object", () => {
    expect(valueAt(doc, ["nope"])).toBeUndefined();
    expect(valueAt(doc, ["n", "x"])).toBeUndefined();
    expect(valueAt(doc, ["s", "length"])).toBeUndefined();
    expect(valueAt(doc, ["items", 5])).toBeUndefined();
  });

  it("finds nothing that was not received: no prototype, no inherited names", () => {
    expect(valueAt(doc, ["__proto__"])).toBeUndefined();
    expect(valueAt(doc, ["constructor"])).toBeUndefined();
    expect(valueAt(doc, ["items", "map"])).toBeUndefined();
  });
});

describe("headerValue", () => {
  it("finds a header in either case and joins a repeated one", () => {
    expect(headerValue({ Location: "/x" }, "location")).toBe("/x");
    expect(headerValue({ "set-cookie": ["a=1", "b=2"] }, "Set-Cookie")).toBe("a=1, b=2");
    expect(headerValue({ a: "1" }, "b")).toBeUndefined();
  });
});
