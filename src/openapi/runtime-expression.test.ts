import { describe, expect, it } from "vitest";
import { ExpressionSyntaxError, parseEmbedded, parseExpression, renderEmbedded, type ExpressionContext } from "./runtime-expression.js";

const ctx: ExpressionContext = {
  url: "http://127.0.0.1:3000/payments?cb=x",
  method: "POST",
  statusCode: 201,
  request: {
    headers: { "x-hook": "http://h/hook", "content-type": "application/json" },
    query: { callbackUrl: "http://127.0.0.1:4000/hooks", multi: ["a", "b"] },
    path: { paymentId: "pay_1" },
    body: { callbackUrl: "http://127.0.0.1:4000/cb", "a/b": { "c~d": 7 }, items: [{ id: "i0" }] },
  },
  response: { headers: { location: "/payments/pay_1" }, body: { id: "pay_1" } },
};

const render = (s: string) => renderEmbedded(parseEmbedded(s), ctx);

describe("runtime expressions: the whole grammar", () => {
  it.each([
    ["{$url}", "http://127.0.0.1:3000/payments?cb=x"],
    ["{$method}", "POST"],
    ["{$statusCode}", "201"],
    ["{$request.query.callbackUrl}/data", "http://127.0.0.1:4000/hooks/data"],
    ["{$request.query.multi}", "a"],
    ["{$request.body#/callbackUrl}", "http://127.0.0.1:4000/cb"],
    ["{$request.body#/a~1b/c~0d}", "7"],
    ["{$request.body#/items/0/id}", "i0"],
    ["{$request.header.X-Hook}", "http://h/hook"],
    ["{$request.path.paymentId}", "pay_1"],
    ["{$response.body#/id}", "pay_1"],
    ["{$response.header.Location}", "/payments/pay_1"],
    ["http://n.example/?transactionId={$request.body#/items/0/id}&s={$statusCode}", "http://n.example/?transactionId=i0&s=201"],
    ["$request.body#/callbackUrl", "http://127.0.0.1:4000/cb"],
    ["{$response.body}", '{"id":"pay_1"}'],
  ])("%s → %s", (src, want) => {
    expect(render(src)).toEqual({ text: want, missing: [] });
  });

  it("names what the exchange does not have", () => {
    expect(render("{$request.query.nope}/x")).toEqual({ text: "/x", missing: ["$request.query.nope"] });
    expect(render("{$request.body#/missing/deep}")).toEqual({ text: "", missing: ["$request.body#/missing/deep"] });
  });

  it("parses the forms into their parts", () => {
    expect(parseExpression("$response.header.X-Rate-Limit")).toEqual({ kind: "header", from: "response", name: "X-Rate-Limit" });
    expect(parseExpression("$request.body")).toEqual({ kind: "body", from: "request", pointer: null });
    expect(parseExpression("$request.body#")).toEqual({ kind: "body", from: "request", pointer: "" });
  });

  it.each([
    ["{$request.cookie.x}", /after \$request\. expected header/],
    ["{$reqest.body}", /expected \$url/],
    ["{$request.body#nope}", /starts with \//],
    ["{$request.body#/a~2}", /~` is followed by 0 or 1/],
    ["{$request.header.}", /header name/],
    ["{$request.header.a b}", /header name/],
    ["{$request.query}", /expected query\.<name>/],
    ["{$request.body#/x", /never closed/],
    ["http://h/}x", /without a/],
    ["http://h/{id}", /not a runtime expression/],
    ["$statuscode", /expected \$url/],
  ])("refuses %s", (src, msg) => {
    expect(() => parseEmbedded(src)).toThrow(ExpressionSyntaxError);
    expect(() => parseEmbedded(src)).toThrow(msg);
  });
});
