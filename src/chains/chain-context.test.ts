import { describe, expect, it } from "vitest";
import { ChainContext, linkContextEntry } from "./chain-context.js";

describe("chain context", () => {
  it("resolves extracted names first, then body fields, then status/headers/body", () => {
    const response = { status: 201, headers: { "x-id": "1" }, body: { id: "pay_1", amount: 99.99, status: "processing" } };
    const entry = linkContextEntry(response, { payment_id: "pay_1", status: "succeeded" });
    expect(entry.payment_id).toBe("pay_1");
    expect(entry.amount).toBe(99.99);
    expect(entry.status).toBe("succeeded");
    expect(entry.headers).toEqual({ "x-id": "1" });
    expect(entry.body).toEqual(response.body);
  });

  it("puts status over a body field of the same name when nothing is extracted", () => {
    const entry = linkContextEntry({ status: 202, headers: {}, body: { status: "queued" } }, {});
    expect(entry.status).toBe(202);
    expect((entry.body as { status: string }).status).toBe("queued");
  });

  it("keeps non-object bodies only under body", () => {
    const entry = linkContextEntry({ status: 200, headers: {}, body: ["a"] }, {});
    expect(Object.keys(entry)).toEqual(["status", "headers", "body"]);
  });

  it("hoists extracted names unless a link has that name", () => {
    const ctx = new ChainContext(["order", "payment"]);
    ctx.setLink("order", { id: "o" }, { order_id: "o", payment: "shadow?" });
    expect(ctx.snapshot()).toEqual({ order_id: "o", order: { id: "o" } });
  });

  it("applies only what a script changed, keeping entries written meanwhile", () => {
    const ctx = new ChainContext(["a", "b"]);
    ctx.setLink("a", { v: 1 }, {});
    ctx.set("note", "x");
    const before = ctx.snapshot();
    ctx.setLink("b", { v: 2 }, {});
    ctx.applyScriptChanges(before, { a: { v: 1 }, extra: true });
    expect(ctx.snapshot()).toEqual({ a: { v: 1 }, b: { v: 2 }, extra: true });
  });
});
