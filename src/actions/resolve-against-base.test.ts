import { describe, expect, it } from "vitest";
import { resolveAgainstBase, resolveHttpUrl } from "./resolve-against-base.js";

describe("resolveAgainstBase (hooks, rules and script calls read a URL one way)", () => {
  it("sends a path to this server, as {{base_url}}/path would", () => {
    expect(resolveAgainstBase("/api/orders", "http://127.0.0.1:3000")).toBe("http://127.0.0.1:3000/api/orders");
    expect(resolveAgainstBase("/api/orders", "http://127.0.0.1:3000/")).toBe("http://127.0.0.1:3000/api/orders");
    // A base behind a path prefix keeps it (new URL(path, base) would drop it).
    expect(resolveAgainstBase("/api/orders", "https://proxy.example/mock/")).toBe("https://proxy.example/mock/api/orders");
  });

  it("leaves an absolute URL, or a path without a base, as written (trimmed)", () => {
    expect(resolveAgainstBase(" https://x.example/h ", "http://127.0.0.1:3000")).toBe("https://x.example/h");
    expect(resolveAgainstBase("/api/orders", undefined)).toBe("/api/orders");
  });
});

describe("resolveHttpUrl", () => {
  it("refuses what cannot be sent with MFG_ERR_DELIVERY_INVALID_URL, naming the URL as written", () => {
    expect(() => resolveHttpUrl("/api/orders", undefined)).toThrow(expect.objectContaining({ code: "MFG_ERR_DELIVERY_INVALID_URL", message: "'/api/orders' is not a valid URL" }));
    expect(() => resolveHttpUrl("ftp://x.example/f", "http://127.0.0.1:3000")).toThrow(expect.objectContaining({ code: "MFG_ERR_DELIVERY_INVALID_URL", message: "'ftp://x.example/f' is not an http(s) URL" }));
    expect(resolveHttpUrl("/a b", "http://127.0.0.1:3000")).toBe("http://127.0.0.1:3000/a%20b");
  });
});
