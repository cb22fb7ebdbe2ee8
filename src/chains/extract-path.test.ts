import { describe, expect, it } from "vitest";
import { applyExtractPath, parseExtractPath, type ExtractPath } from "./extract-path.js";

const response = {
  status: 201,
  headers: { "Content-Type": "application/json", "x-request-id": "req_9", "set-cookie": ["a=1", "b=2"] },
  body: { id: "ord_1", total: 59.98, items: [{ id: "it_1" }, { id: "it_2" }], "odd key": { v: true } },
};

function get(path: string): unknown {
  const parsed = parseExtractPath(path);
  if ("error" in parsed) throw new Error(parsed.error);
  return applyExtractPath(parsed as ExtractPath, response);
}

describe("extract paths", () => {
  it("reads body fields, nested fields and array items", () => {
    expect(get("body.id")).toBe("ord_1");
    expect(get("body.total")).toBe(59.98);
    expect(get("body.items[0].id")).toBe("it_1");
    expect(get("body.items[1].id")).toBe("it_2");
    expect(get('body["odd key"].v')).toBe(true);
    expect(get("body")).toEqual(response.body);
  });

  it("reads the status and headers by case-insensitive name", () => {
    expect(get("status")).toBe(201);
    expect(get("headers.X-Request-Id")).toBe("req_9");
    expect(get("headers.content-type")).toBe("application/json");
    expect(get("headers.set-cookie")).toBe("a=1, b=2");
  });

  it("gives undefined for missing values and never reads inherited properties", () => {
    expect(get("body.missing.deeper")).toBeUndefined();
    expect(get("body.items[5].id")).toBeUndefined();
    expect(get("body.constructor")).toBeUndefined();
    expect(get("body.__proto__")).toBeUndefined();
    expect(get("headers.x-nope")).toBeUndefined();
  });

  it("reports bad paths with a message instead of throwing", () => {
    expect(parseExtractPath("id")).toEqual({ error: expect.stringContaining("must start with body, status or headers") });
    expect(parseExtractPath("body.items[x]")).toEqual({ error: expect.stringContaining("expected [<index>]") });
    expect(parseExtractPath("body..id")).toEqual({ error: expect.stringContaining("expected a name after '.'") });
    expect(parseExtractPath("headers.")).toEqual({ error: expect.stringContaining("names no header") });
  });
});
