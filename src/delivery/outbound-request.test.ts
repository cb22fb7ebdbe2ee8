import { describe, expect, it } from "vitest";
import { checkDeliveryUrl, serializeBody, setHeader, toStoredRequest } from "./outbound-request.js";

describe("toStoredRequest", () => {
  it("serialises an object body as JSON and adds content-type", () => {
    expect(toStoredRequest({ method: "post", url: "http://h/x", body: { a: [1, 2] } })).toEqual({
      method: "POST",
      url: "http://h/x",
      headers: { "content-type": "application/json" },
      body: '{"a":[1,2]}',
    });
  });

  it("keeps a given content-type, in any spelling", () => {
    const r = toStoredRequest({ method: "PUT", url: "http://h", headers: { "Content-Type": "application/cloudevents+json" }, body: {} });
    expect(r.headers).toEqual({ "Content-Type": "application/cloudevents+json" });
  });

  it("sends a string body as is, without inventing a content-type", () => {
    expect(toStoredRequest({ method: "POST", url: "http://h", body: "a=1&b=2" })).toMatchObject({ headers: {}, body: "a=1&b=2" });
  });

  it("turns header values into text and leaves an absent body null", () => {
    const r = toStoredRequest({ method: "GET", url: "http://h", headers: { "x-n": 5 as unknown as string } });
    expect(r).toMatchObject({ headers: { "x-n": "5" }, body: null });
  });
});

describe("serializeBody", () => {
  it.each([
    [undefined, { text: null, json: false }],
    [null, { text: null, json: false }],
    ["", { text: "", json: false }],
    [0, { text: "0", json: true }],
    [[1], { text: "[1]", json: true }],
    [new TextEncoder().encode("hé"), { text: "hé", json: false }],
  ])("%j", (body, expected) => {
    expect(serializeBody(body)).toEqual(expected);
  });
});

describe("setHeader", () => {
  it("replaces other spellings", () => {
    const h: Record<string, string> = { "Webhook-Id": "a", other: "b" };
    setHeader(h, "webhook-id", "c");
    expect(h).toEqual({ other: "b", "webhook-id": "c" });
  });
});

describe("checkDeliveryUrl", () => {
  it.each([
    ["http://127.0.0.1:4000/h", null],
    ["https://example.com", null],
    ["", /empty after templating/],
    ["   ", /empty after templating/],
    ["/relative/path", /'\/relative\/path' is not a valid absolute URL/],
    ["http://", /not a valid absolute URL/],
    ["ftp://host/x", /uses ftp: but only http: and https:/],
    ["javascript:alert(1)", /uses javascript:/],
  ])("%j", (url, expected) => {
    const e = checkDeliveryUrl(url);
    if (expected === null) expect(e).toBeNull();
    else {
      expect(e?.code).toBe("MFG_ERR_DELIVERY_INVALID_URL");
      expect(e?.message).toMatch(expected);
      expect(e?.details.url).toBe(url);
    }
  });
});
