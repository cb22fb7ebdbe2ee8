/**
 * The link dependency graph: cycle detection (naming each cycle `a → b → a`) and the
 * transitive closure the executor needs. Pure functions over `id → ids it depends on`.
 */

/** `id → ids it depends on`, in the chain's link order. */
export type DependencyMap = ReadonlyMap<string, readonly string[]>;

/**
 * Every cycle found by a depth-first walk, each as the list of ids with the first repeated at
 * the end (`["a", "b", "a"]`): `a` depends on `b`, which depends on `a`. A cycle is reported
 * once even when it is reachable from several links. Ids not in the map are ignored (unknown
 * dependencies are reported separately).
 *
 * @example
 * findCycles(new Map([["a", ["b"]], ["b", ["a"]]])) // [["a", "b", "a"]]
 */
export function findCycles(deps: DependencyMap): string[][] {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();

  const visit = (id: string): void => {
    state.set(id, "visiting");
    stack.push(id);
    for (const dep of deps.get(id) ?? []) {
      if (!deps.has(dep)) continue;
      const s = state.get(dep);
      if (s === "visiting") {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep];
        const key = [...new Set(cycle)].sort().join("\u0000");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (s === undefined) {
        visit(dep);
      }
    }
    stack.pop();
    state.set(id, "done");
  };

  for (const id of deps.keys()) if (!state.has(id)) visit(id);
  return cycles;
}

/** Formats a cycle for a message: `a → b → a`. */
export function formatCycle(cycle: readonly string[]): string {
  return cycle.join(" → ");
}

/**
 * Every id `id` depends on, directly or through others (not including `id` unless it is on a cycle).
 *
 * @example
 * transitiveDependencies(new Map([["c", ["b"]], ["b", ["a"]], ["a", []]]), "c") // Set {"b", "a"}
 */
export function transitiveDependencies(deps: DependencyMap, id: string): Set<string> {
  const out = new Set<string>();
  const todo = [...(deps.get(id) ?? [])];
  while (todo.length > 0) {
    const next = todo.pop()!;
    if (out.has(next)) continue;
    out.add(next);
    todo.push(...(deps.get(next) ?? []));
  }
  return out;
}
