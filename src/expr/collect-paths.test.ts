import { describe, expect, it } from "vitest";
import { collectPaths } from "./collect-paths.js";
import { parseExpression } from "./parse-expression.js";

const paths = (src: string) => collectPaths(parseExpression(src));

describe("collectPaths", () => {
  it.each<[string, string[]]>([
    ["chain.order.order_id", ["chain.order.order_id"]],
    ["request.body.customer_id == chain.customer.id", ["request.body.customer_id", "chain.customer.id"]],
    ["a.b[k].c", ["a.b", "k"]],
    ["headers['x-id']", ["headers.x-id"]],
    ["items[0].sku", ["items.0.sku"]],
    ["hash(env.WEBHOOK_SECRET + request.body)", ["env.WEBHOOK_SECRET", "request.body"]],
    ["method == 'POST' AND status == 201", ["method", "status"]],
    ["x ? [y.z] : -w", ["x", "y.z", "w"]],
    ["json(a).length", ["a"]],
    ["a.b + a.b", ["a.b"]],
    ["'literal' + 1", []],
    ["now", ["now"]],
  ])("%s → %j", (src, expected) => {
    expect(paths(src)).toEqual(expected);
  });

  it("returns a fresh array each time", () => {
    const e = parseExpression("a.b");
    collectPaths(e).push("mutated");
    expect(collectPaths(e)).toEqual(["a.b"]);
  });
});
