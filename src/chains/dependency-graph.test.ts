import { describe, expect, it } from "vitest";
import { findCycles, formatCycle, transitiveDependencies } from "./dependency-graph.js";

describe("dependency graph", () => {
  it("names a two-link cycle in dependency order", () => {
    const cycles = findCycles(new Map([["a", ["b"]], ["b", ["a"]]]));
    expect(cycles.map(formatCycle)).toEqual(["a → b → a"]);
  });

  it("finds a longer cycle once and ignores acyclic parts and unknown ids", () => {
    const deps = new Map<string, string[]>([
      ["start", []],
      ["a", ["start", "c"]],
      ["b", ["a"]],
      ["c", ["b", "ghost"]],
      ["d", ["c"]],
    ]);
    expect(findCycles(deps).map(formatCycle)).toEqual(["a → c → b → a"]);
  });

  it("reports no cycle for a DAG with shared dependencies", () => {
    expect(findCycles(new Map([["a", []], ["b", ["a"]], ["c", ["a"]], ["d", ["b", "c"]]]))).toEqual([]);
  });

  it("computes transitive dependencies", () => {
    const deps = new Map([["a", []], ["b", ["a"]], ["c", ["b"]], ["d", ["c", "a"]]]);
    expect([...transitiveDependencies(deps, "d")].sort()).toEqual(["a", "b", "c"]);
    expect([...transitiveDependencies(deps, "a")]).toEqual([]);
  });
});
