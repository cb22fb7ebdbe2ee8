/**
 * Load-time checks of what scenario templates and conditions read, and of hook actions' signing
 * blocks. A name a hook cannot see (`{{varibles.order_id}}`) would render as empty, and a bad
 * condition would just count as false, at run time; here each is an error with its position
 * and a did-you-mean.
 */
import type { ChaosConfig, HookActionConfig, HookConfig, ScenarioStepConfig } from "../config/schema/chaos.js";
import { signingProblem } from "../config/schema/signing.js";
import { unknownConditionRoots, unknownTemplateRoots, withNames, type RootProblem, type TemplateRoots } from "../template/index.js";
import type { ChaosIssue } from "./chaos-issue.js";

type Path = (string | number)[];

/** What hooks, step requests and scenario `variables` read (see ExecutionContext.templateScope). */
export const SCENARIO_ROOTS: TemplateRoots = {
  names: ["variables", "steps", "env", "base_url"],
  what: "a scenario",
  otherwise: "Scenario variables (response_status, extracts, set_variable names) are read as variables.<name>; a step's outcome as steps.<step name>.status.",
};

/** Every such problem in `chaos`, with paths relative to it. */
export function chaosNameIssues(chaos: ChaosConfig): ChaosIssue[] {
  const out: ChaosIssue[] = [];
  chaos.scenarios.forEach((sc, i) => {
    const at: Path = ["scenarios", i];
    if (sc.variables) out.push(...named(unknownTemplateRoots(sc.variables, SCENARIO_ROOTS), [...at, "variables"]));
    sc.hooks.forEach((h, j) => out.push(...hookIssues(h, [...at, "hooks", j])));
    sc.steps.forEach((st, j) => {
      const sat: Path = [...at, "steps", j];
      out.push(...stepIssues(st, sat));
      st.pre_hooks.forEach((h, k) => out.push(...hookIssues(h, [...sat, "pre_hooks", k])));
      st.post_hooks.forEach((h, k) => out.push(...hookIssues(h, [...sat, "post_hooks", k])));
    });
  });
  return out;
}

function stepIssues(st: ScenarioStepConfig, at: Path): ChaosIssue[] {
  if (!st.request) return [];
  const r = st.request;
  return [
    ...named(unknownTemplateRoots(r.url, SCENARIO_ROOTS), [...at, "request", "url"]),
    ...named(unknownTemplateRoots(r.headers ?? {}, withNames(SCENARIO_ROOTS, "body")), [...at, "request", "headers"]),
    ...named(unknownTemplateRoots(r.body, SCENARIO_ROOTS), [...at, "request", "body"]),
  ];
}

function hookIssues(h: HookConfig, at: Path): ChaosIssue[] {
  const out: ChaosIssue[] = [];
  if (typeof h.condition === "string") out.push(...named(unknownConditionRoots(h.condition, SCENARIO_ROOTS), [...at, "condition"]));
  h.actions.forEach((a, i) => out.push(...actionIssues(a, [...at, "actions", i])));
  return out;
}

function actionIssues(a: HookActionConfig, at: Path): ChaosIssue[] {
  const out: ChaosIssue[] = [];
  if (typeof a.condition === "string") out.push(...named(unknownConditionRoots(a.condition, SCENARIO_ROOTS), [...at, "condition"]));
  const fields: [string, unknown][] =
    a.type === "http_request" ? [["url", a.url], ["headers", a.headers], ["body", a.body]]
    : a.type === "set_variable" ? [["value", a.value]]
    : a.type === "log" ? [["message", a.message]]
    : a.type === "execute_chain" ? [["variables", a.variables]]
    : a.type === "trigger_webhook" ? [["to", a.to], ["body", a.body]]
    : [];
  for (const [key, value] of fields) {
    out.push(...named(unknownTemplateRoots(value, key === "headers" ? withNames(SCENARIO_ROOTS, "body") : SCENARIO_ROOTS), [...at, key]));
  }
  if (a.type === "http_request") {
    const bad = signingProblem(a.signing);
    if (bad) out.push({ code: "MFG_ERR_CONFIG_INVALID", path: [...at, "signing", ...bad.path], message: bad.message });
  }
  return out;
}

function named(found: RootProblem[], at: Path): ChaosIssue[] {
  return found.map((r) => ({ code: "MFG_ERR_EXPR_MISSING_NAME", path: [...at, ...r.path], message: r.message, hint: r.hint, offset: r.offset }));
}
