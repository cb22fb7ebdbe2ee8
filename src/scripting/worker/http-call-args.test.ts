import { describe, expect, it } from "vitest";
import { httpCallFromArgs, httpCallFromRequest } from "./http-call-args.js";

describe("mockforge.http arguments", () => {
  it("builds a call with stringified headers and only the options given", () => {
    expect(httpCallFromArgs("post", "POST", "http://h/x", { a: 1 }, { headers: { "X-N": 5, Skip: null }, timeout_ms: 100 })).toEqual({
      method: "POST",
      url: "http://h/x",
      headers: { "X-N": "5" },
      body: { a: 1 },
      options: { timeout_ms: 100 },
    });
    expect(httpCallFromArgs("get", "GET", "http://h/", undefined, undefined)).toEqual({ method: "GET", url: "http://h/" });
  });

  it("builds a call from request({...}) with GET as the default method", () => {
    expect(httpCallFromRequest({ url: "http://h/", retry: { max_attempts: 2 } })).toEqual({ method: "GET", url: "http://h/", options: { retry: { max_attempts: 2 } } });
    expect(httpCallFromRequest({ method: "patch", url: "http://h/", body: "t" })).toEqual({ method: "PATCH", url: "http://h/", body: "t" });
  });

  it("refuses what it cannot send", () => {
    expect(() => httpCallFromArgs("get", "GET", "", undefined, undefined)).toThrow("the url must be a non-empty string");
    expect(() => httpCallFromArgs("get", "GET", "http://h/", undefined, { header: {} })).toThrow("unknown option 'header' (known: headers, retry, signing, timeout_ms)");
    expect(() => httpCallFromArgs("get", "GET", "http://h/", undefined, { headers: { a: { b: 1 } } })).toThrow("header 'a' must be a string");
    expect(() => httpCallFromArgs("get", "GET", "http://h/", undefined, { timeout_ms: -1 })).toThrow("timeout_ms must be a positive number");
    expect(() => httpCallFromArgs("get", "GET", "http://h/", undefined, "fast")).toThrow("options must be an object");
    expect(() => httpCallFromRequest(undefined)).toThrow("mockforge.http.request needs an object");
    expect(() => httpCallFromRequest({ url: "http://h/", verb: "GET" })).toThrow("unknown option 'verb'");
  });
});
