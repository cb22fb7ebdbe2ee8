import { describe, expect, it } from "vitest";
import { inferDependencies } from "./infer-dependencies.js";

describe("inferDependencies", () => {
  it("infers from store_as names, request ids and uniquely extracted names", () => {
    const r = inferDependencies([
      { id: "create_order", name: "order", extractNames: ["order_id"], references: [] },
      { id: "pay", name: "pay", extractNames: [], references: ["chain.order.order_id", "chain.create_order.status"] },
      { id: "audit", name: "audit", extractNames: [], references: ["chain.order_id", "request.body.user"] },
    ]);
    expect(r.dependsOn.get("pay")).toEqual(["create_order"]);
    expect(r.dependsOn.get("audit")).toEqual(["create_order"]);
    expect([...r.readsRequest]).toEqual(["audit"]);
    expect(r.warnings).toEqual([]);
  });

  it("warns (without inferring) about names several links extract, and about a link reading itself", () => {
    const r = inferDependencies([
      { id: "a", name: "a", extractNames: ["status"], references: [] },
      { id: "b", name: "b", extractNames: ["status"], references: [] },
      { id: "c", name: "c", extractNames: [], references: ["chain.status", "chain.c.x"] },
    ]);
    expect(r.dependsOn.get("c")).toEqual([]);
    expect(r.warnings).toEqual([
      "link 'c' reads chain.status, which several links extract (a, b); no dependency is inferred, so add depends_on to say which one it waits for",
      "link 'c' reads chain.c, its own result, which is empty while its request is rendered",
    ]);
  });

  it("orders inferred dependencies by link order and reports each unknown name once", () => {
    const r = inferDependencies([
      { id: "x", name: "x", extractNames: [], references: [] },
      { id: "y", name: "y", extractNames: [], references: [] },
      { id: "z", name: "z", extractNames: [], references: ["chain.y.a", "chain.x.b", "chain.ghost.a", "chain.ghost.b"] },
    ]);
    expect(r.dependsOn.get("z")).toEqual(["x", "y"]);
    expect(r.warnings).toEqual(["link 'z' reads chain.ghost, but no link stores or extracts 'ghost' (it renders empty). Known names: x, y, z"]);
  });
});
