/**
 * Load-time checks of a rule action: the names its templates read, and its signing block. A
 * name the action cannot see (`{{reqest.body.id}}`) would render as empty when the rule fires;
 * here it is an error with its position and a did-you-mean.
 */
import type { ConsistencyRuleConfig } from "../config/schema/rules.js";
import { signingProblem } from "../config/schema/signing.js";
import { unknownTemplateRoots, type TemplateRoots } from "../template/index.js";
import type { RuleIssue } from "./rule-issue.js";
import { CONDITION_NAMES } from "./rule-scope.js";

/** What action templates read (see actionScope); outbound headers also see `body` as the text sent. */
export const RULE_ACTION_ROOTS: TemplateRoots = { names: [...CONDITION_NAMES, "request", "response", "env", "base_url"], what: "a rule action" };

/** Problems of rule `index`'s action, with paths relative to `consistency_rules`. */
export function ruleActionIssues(config: ConsistencyRuleConfig, index: number): RuleIssue[] {
  const a = config.action;
  const at = [index, "action"];
  const fields: [string, unknown][] =
    a.type === "http_request" || a.type === "webhook" ? [["url", a.url], ["headers", a.headers], ["body", a.body]]
    : a.type === "execute_chain" ? [["variables", a.variables]]
    : a.type === "trigger_webhook" ? [["to", a.to], ["body", a.body]]
    : [];
  const out: RuleIssue[] = [];
  for (const [key, value] of fields) {
    for (const r of unknownTemplateRoots(value, RULE_ACTION_ROOTS)) {
      out.push({ code: "MFG_ERR_EXPR_MISSING_NAME", path: [...at, key, ...r.path], message: `rule '${config.name}': ${r.message}`, hint: r.hint, offset: r.offset });
    }
  }
  if (a.type === "http_request" || a.type === "webhook") {
    const bad = signingProblem(a.signing);
    if (bad) out.push({ code: "MFG_ERR_CONFIG_INVALID", path: [...at, "signing", ...bad.path], message: `rule '${config.name}': ${bad.message}` });
  }
  return out;
}
