/**
 * Semantic checks of the `chaos` config that its schema cannot express (the schema has no
 * refinements so the normaliser can walk it): latency form, unique names, hook types against
 * the list holding them, regex and expression syntax. Every problem is collected, so one load
 * reports them all.
 */
import type { ChaosConfig, FaultConfigInput, HookCondition, HookConfig, TypedCondition } from "../config/schema/chaos.js";
import { isMockForgeError } from "../core/errors.js";
import { compilePattern } from "../expr/index.js";
import { compileHookCondition } from "./hook-condition.js";
import type { ChaosIssue } from "./chaos-issue.js";
import { chaosNameIssues } from "./chaos-names.js";
import { compileHookTemplates } from "./hook-templates.js";

export type { ChaosIssue } from "./chaos-issue.js";

type Path = (string | number)[];

function issue(path: Path, message: string, hint?: string): ChaosIssue {
  return hint ? { code: "MFG_ERR_CONFIG_INVALID", path, message, hint } : { code: "MFG_ERR_CONFIG_INVALID", path, message };
}

/**
 * @example
 * validateChaos(config.chaos) // [] when fine, else one issue per problem (paths relative to `chaos`)
 */
export function validateChaos(chaos: ChaosConfig): ChaosIssue[] {
  const issues: ChaosIssue[] = [];
  if (chaos.chaos_config) issues.push(...validateFaults(chaos.chaos_config, ["chaos_config"]));
  const names = new Set<string>();
  chaos.scenarios.forEach((sc, i) => {
    const at: Path = ["scenarios", i];
    if (names.has(sc.name)) issues.push(issue([...at, "name"], `scenario name '${sc.name}' is used twice`, "Give each scenario its own name; runs pick it by name."));
    names.add(sc.name);
    sc.hooks.forEach((h, j) => {
      if (!h.hook_type) {
        issues.push(issue([...at, "hooks", j], `scenario-level hook '${h.name}' needs a hook_type`,
          "One of pre_orchestration, post_orchestration (once per run), pre_step, post_step (around every step)."));
      }
      issues.push(...validateHook(h, [...at, "hooks", j]));
    });
    const stepNames = new Set<string>();
    sc.steps.forEach((st, j) => {
      const sat: Path = [...at, "steps", j];
      if (stepNames.has(st.name)) issues.push(issue([...sat, "name"], `step name '${st.name}' is used twice in scenario '${sc.name}'`, "Conditions and templates read steps by name (steps.<name>)."));
      stepNames.add(st.name);
      if (st.chaos_config) issues.push(...validateFaults(st.chaos_config, [...sat, "chaos_config"]));
      for (const [list, expected] of [["pre_hooks", "pre_step"], ["post_hooks", "post_step"]] as const) {
        st[list].forEach((h, k) => {
          if (h.hook_type && h.hook_type !== expected) {
            issues.push(issue([...sat, list, k, "hook_type"], `hook '${h.name}' under ${list} says hook_type ${h.hook_type}`,
              `Hooks under ${list} are ${expected}; leave hook_type out or move the hook.`));
          }
          issues.push(...validateHook(h, [...sat, list, k]));
        });
      }
    });
  });
  issues.push(...chaosNameIssues(chaos));
  return issues;
}

/** Checks one `chaos_config` block (also usable for a route's). */
export function validateFaults(f: FaultConfigInput, at: Path = []): ChaosIssue[] {
  const l = f.latency;
  if (!l) return [];
  const hasFixed = l.fixed_ms !== undefined;
  const hasRange = l.min_ms !== undefined || l.max_ms !== undefined;
  if (hasFixed && hasRange) return [issue([...at, "latency"], "latency has both fixed_ms and min_ms/max_ms", "Use fixed_ms, or min_ms and max_ms for a random latency.")];
  if (!hasFixed && (l.min_ms === undefined || l.max_ms === undefined)) {
    return [issue([...at, "latency"], "latency needs fixed_ms, or both min_ms and max_ms", "e.g. latency: { min_ms: 100, max_ms: 500 }")];
  }
  if (!hasFixed && l.min_ms! > l.max_ms!) return [issue([...at, "latency"], `latency min_ms (${l.min_ms}) is above max_ms (${l.max_ms})`)];
  return [];
}

function validateHook(h: HookConfig, at: Path): ChaosIssue[] {
  const issues: ChaosIssue[] = [];
  if (h.condition !== undefined) issues.push(...validateCondition(h.condition, [...at, "condition"]));
  h.actions.forEach((a, i) => {
    if (a.condition !== undefined) issues.push(...validateCondition(a.condition, [...at, "actions", i, "condition"]));
    try {
      compileHookTemplates(a);
    } catch (e) {
      issues.push(fromError(e, [...at, "actions", i]));
    }
  });
  return issues;
}

function validateCondition(c: HookCondition, at: Path): ChaosIssue[] {
  if (typeof c === "string") {
    try {
      compileHookCondition(c);
      return [];
    } catch (e) {
      return [fromError(e, at)];
    }
  }
  return validateTyped(c, at);
}

function validateTyped(c: TypedCondition, at: Path): ChaosIssue[] {
  switch (c.type) {
    case "and":
    case "or":
      return c.conditions.flatMap((x, i) => validateTyped(x, [...at, "conditions", i]));
    case "not":
      return validateTyped(c.condition, [...at, "condition"]);
    case "matches": {
      if ((c.pattern === undefined) === (c.value === undefined)) {
        return [issue(at, "a 'matches' condition needs exactly one of pattern or value", "e.g. { type: matches, variable: order_id, pattern: '^ord_' }")];
      }
      try {
        compilePattern((c.pattern ?? c.value)!);
        return [];
      } catch (e) {
        return [issue(at, (e as Error).message, isMockForgeError(e) ? e.details.hint : undefined)];
      }
    }
    default:
      return [];
  }
}

/** A template or expression error, located at `at` (its own `details.path` names the spot inside). */
function fromError(e: unknown, at: Path): ChaosIssue {
  if (isMockForgeError(e)) {
    const found: ChaosIssue = { code: e.code, path: at, message: e.message };
    if (e.details.hint) found.hint = e.details.hint;
    return found;
  }
  return issue(at, e instanceof Error ? e.message : String(e));
}
