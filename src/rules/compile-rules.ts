/**
 * Compiles consistency rules once, at load: each condition is parsed, its root names are
 * checked against SPEC §7's (`method`, `path`, `status`, `headers`, `query`, `params`,
 * `body`, `response`), its prefilters are derived (the method/path guard, the gate over method,
 * path and status), and action templates are compiled. A typo such as
 * `staus == 201` is a load error naming the rule and the nearest known name, not a rule that
 * silently never fires.
 */
import type { ConsistencyRuleConfig, RuleActionConfig } from "../config/schema/rules.js";
import { isMockForgeError, MockForgeError } from "../core/errors.js";
import { BUILTIN_NAMES, parseExpression, type EvalEnv } from "../expr/index.js";
import { checkScriptSyntax } from "../scripting/index.js";
import { compileBodyTemplate, compileCondition, compileTemplate, type Condition, type Template } from "../template/index.js";
import { compileFastCondition } from "./fast-condition.js";
import { gateOf, type Gate } from "./rule-gate.js";
import { guardOf, type RuleGuard } from "./rule-index.js";
import { CONDITION_NAMES, type ConditionInput } from "./rule-scope.js";
import type { RuleIssue } from "./rule-issue.js";
import { ruleActionIssues } from "./rule-names.js";

export interface CompiledRule {
  name: string;
  /** Position in `consistency_rules`. */
  index: number;
  /** The condition over an exchange; throws when it cannot be evaluated (e.g. `-` on text). */
  test: (input: ConditionInput) => boolean;
  /** The method/path the condition pins, for the rule index. */
  guard: RuleGuard;
  /** What the condition says from method, path and status alone, for the rule index; null: nothing. */
  gate: Gate | null;
  action: RuleActionConfig;
  /** `url`, `headers`, `body` of http_request/webhook; `variables` of execute_chain. */
  templates: { url?: Template; headers?: Template; body?: Template; variables?: Template };
}

export type { RuleIssue } from "./rule-issue.js";

const KNOWN = new Set<string>([...CONDITION_NAMES, ...BUILTIN_NAMES]);

/**
 * Compiles every rule, collecting every problem. `env` is what conditions evaluate with
 * (strict: a missing root name is an error).
 *
 * @example
 * const { rules, issues } = compileRules(config.intelligent_behavior.behavior_model.consistency_rules, { clock, random, strict: true });
 */
export function compileRules(configs: readonly ConsistencyRuleConfig[], env: EvalEnv): { rules: CompiledRule[]; issues: RuleIssue[] } {
  const rules: CompiledRule[] = [];
  const issues: RuleIssue[] = [];
  const names = new Set<string>();
  configs.forEach((config, index) => {
    if (names.has(config.name)) issues.push({ code: "MFG_ERR_RULE_INVALID", path: [index, "name"], message: `rule name '${config.name}' is used twice`, hint: "Rule runs are listed by name; give each rule its own." });
    names.add(config.name);
    const before = issues.length;
    const cond = compileRuleCondition(config, index, issues, env);
    const templates = compileActionTemplates(config, index, issues);
    if (issues.length === before) issues.push(...ruleActionIssues(config, index));
    if (cond && issues.length === before) rules.push({ name: config.name, index, ...cond, action: config.action, templates });
  });
  return { rules, issues };
}

/** Like `compileRules`, but throws MFG_ERR_RULE_INVALID (all problems in `details.errors`) when any rule is bad. */
export function compileRulesOrThrow(configs: readonly ConsistencyRuleConfig[], env: EvalEnv): CompiledRule[] {
  const { rules, issues } = compileRules(configs, env);
  if (issues.length > 0) {
    const first = issues[0]!;
    const path = `consistency_rules[${first.path[0]}].${first.path.slice(1).join(".")}`;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
    throw new MockForgeError("MFG_ERR_RULE_INVALID", `${path}: ${first.message}${more}`, { path, ...(first.hint ? { hint: first.hint } : {}), errors: issues });
  }
  return rules;
}

function compileRuleCondition(config: ConsistencyRuleConfig, index: number, issues: RuleIssue[], env: EvalEnv): Pick<CompiledRule, "test" | "guard" | "gate"> | null {
  let condition: Condition;
  try {
    condition = compileCondition(config.condition);
  } catch (e) {
    issues.push(fromError(e, [index, "condition"], `rule '${config.name}': `));
    return null;
  }
  let ok = true;
  for (const ref of condition.references()) {
    const root = ref.split(".")[0]!;
    if (KNOWN.has(root)) continue;
    ok = false;
    issues.push({
      code: "MFG_ERR_RULE_INVALID",
      path: [index, "condition"],
      message: `rule '${config.name}': condition \`${config.condition}\` refers to '${ref}', but rules only see ${CONDITION_NAMES.join(", ")}`,
      hint: hintFor(root),
    });
  }
  if (!ok) return null;
  // `{{ }}` conditions are rewritten by compileCondition; plain ones (nearly all) get closures.
  if (config.condition.includes("{{")) return { test: (x) => condition.evaluate(x.scope(), env), guard: { method: null, path: null }, gate: null };
  const expr = parseExpression(config.condition);
  return { test: compileFastCondition(expr, env), guard: guardOf(expr), gate: gateOf(expr, env) };
}

function compileActionTemplates(config: ConsistencyRuleConfig, index: number, issues: RuleIssue[]): CompiledRule["templates"] {
  const a = config.action;
  const at = (field: string) => `consistency_rules[${index}].action.${field}`;
  try {
    switch (a.type) {
      case "http_request":
      case "webhook":
        return { url: compileTemplate(a.url, at("url")), headers: compileTemplate(a.headers ?? {}, at("headers")), body: compileBodyTemplate(a.body, at("body")) };
      case "execute_chain":
        return { variables: compileTemplate(a.variables ?? {}, at("variables")) };
      case "trigger_webhook":
        return {
          ...(a.to !== undefined ? { url: compileTemplate(a.to, at("to")) } : {}),
          ...(a.body !== undefined ? { body: compileBodyTemplate(a.body, at("body")) } : {}),
        };
      case "script": {
        const check = checkScriptSyntax(a.script);
        if (!check.ok) {
          issues.push({ code: "MFG_ERR_SCRIPT_SYNTAX", path: [index, "action", "script"], message: `rule '${config.name}': script line ${check.line}, column ${check.column}: ${check.message}` });
        }
        return {};
      }
      default: {
        const never: never = a;
        throw new Error(`unhandled rule action ${(never as RuleActionConfig).type}`);
      }
    }
  } catch (e) {
    issues.push(fromError(e, [index, "action"], `rule '${config.name}': `));
    return {};
  }
}


function hintFor(root: string): string {
  if (root === "request") return "The request's fields are top-level names: write body.status, headers.x, method (not request.body.status).";
  const near = nearest(root, CONDITION_NAMES);
  return near ? `Did you mean '${near}'?` : `Known names: ${CONDITION_NAMES.join(", ")}.`;
}

function nearest(word: string, options: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const o of options) {
    const d = distance(word.toLowerCase(), o);
    if (d < bestD) [best, bestD] = [o, d];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

function fromError(e: unknown, path: (string | number)[], prefix: string): RuleIssue {
  if (isMockForgeError(e)) {
    const issue: RuleIssue = { code: e.code, path, message: prefix + e.message };
    if (e.details.hint) issue.hint = e.details.hint;
    return issue;
  }
  return { code: "MFG_ERR_RULE_INVALID", path, message: prefix + (e instanceof Error ? e.message : String(e)) };
}
