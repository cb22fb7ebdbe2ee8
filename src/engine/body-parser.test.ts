import { describe, expect, it } from "vitest";
import { bodyText, encodeRawBody, parseBody } from "./body-parser.js";

describe("body parsing", () => {
  const json = Buffer.from('{"a":1}');
  const binary = Buffer.from([0xff, 0xfe, 0x00, 0x81]);

  it("decodes a body once: text for UTF-8, null for binary, empty for none", () => {
    expect(bodyText(json)).toBe('{"a":1}');
    expect(bodyText(binary)).toBeNull();
    expect(bodyText(Buffer.alloc(0))).toBe("");
  });

  it("parses JSON by media type, parameters and case aside", () => {
    const parsed = { body: { a: 1 }, error: null, fromJsonText: true };
    expect(parseBody(json, "application/json")).toEqual(parsed);
    expect(parseBody(json, "Application/JSON; charset=utf-8")).toEqual(parsed);
    expect(parseBody(json, "application/vnd.api+json")).toEqual(parsed);
    expect(parseBody(json, undefined)).toEqual(parsed);
  });

  it("says a body is its text parsed only when the text is the body's exact bytes", () => {
    const latin1 = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]); // {"a":"<é in latin-1>"}
    const r = parseBody(latin1, "application/json");
    expect(r.fromJsonText).toBeUndefined();
    expect(r.body).toEqual({ a: "\ufffd" });
  });

  it("keeps a malformed JSON body unparsed, with the reason", () => {
    const r = parseBody(Buffer.from("{oops"), "application/json");
    expect(r.body).toBeNull();
    expect(r.error).toMatch(/^malformed JSON body: /);
  });

  it("gives forms as objects, text as strings and binary as nothing", () => {
    expect(parseBody(Buffer.from("a=1&b=2"), "application/x-www-form-urlencoded").body).toEqual({ a: "1", b: "2" });
    expect(parseBody(Buffer.from("hi"), "text/plain").body).toBe("hi");
    expect(parseBody(Buffer.from("hi"), "application/octet-stream").body).toBe("hi");
    expect(parseBody(binary, "application/octet-stream")).toEqual({ body: null, error: null });
  });

  it("journals text as UTF-8 and binary as base64, from the decoded text when given", () => {
    expect(encodeRawBody(json)).toEqual({ text: '{"a":1}', encoding: "utf8" });
    expect(encodeRawBody(json, '{"a":1}')).toEqual({ text: '{"a":1}', encoding: "utf8" });
    expect(encodeRawBody(binary)).toEqual({ text: binary.toString("base64"), encoding: "base64" });
  });
});
