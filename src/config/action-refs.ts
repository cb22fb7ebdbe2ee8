/**
 * Names that rule and hook actions refer to must exist, or the action fails every time it fires:
 * an `execute_chain`'s `chain_id` (a loaded chain; MFG_ERR_CHAIN_NOT_FOUND at run time) and a
 * `trigger_webhook`'s `event` (a loaded spec's OpenAPI 3.1 webhook; MFG_ERR_OPENAPI_UNKNOWN_EVENT).
 * At load each is an error at the name, with the nearest known one.
 */
import { didYouMean } from "../expr/did-you-mean.js";
import type { ConfigProblem } from "./config-error.js";
import type { ConfigSource } from "./parse-with-schema.js";
import type { HookActionConfig } from "./schema/chaos.js";
import type { MockForgeConfig } from "./schema/config.js";
import type { RuleActionConfig } from "./schema/rules.js";

type Path = (string | number)[];

/** Calls `fn` for every rule action and every hook action of every scenario, with its path and owner. */
function forEachAction(config: MockForgeConfig, fn: (action: RuleActionConfig | HookActionConfig, at: Path, owner: string) => void): void {
  config.intelligent_behavior.behavior_model.consistency_rules.forEach((r, i) => fn(r.action, ["intelligent_behavior", "behavior_model", "consistency_rules", i, "action"], `rule '${r.name}'`));
  config.chaos.scenarios.forEach((sc, i) => {
    const hooks = (list: typeof sc.hooks, at: Path) => list.forEach((h, j) => h.actions.forEach((a, k) => fn(a, [...at, j, "actions", k], `hook '${h.name}'`)));
    hooks(sc.hooks, ["chaos", "scenarios", i, "hooks"]);
    sc.steps.forEach((st, j) => {
      hooks(st.pre_hooks, ["chaos", "scenarios", i, "steps", j, "pre_hooks"]);
      hooks(st.post_hooks, ["chaos", "scenarios", i, "steps", j, "post_hooks"]);
    });
  });
}

/** Problems for every `chain_id` that is not among `known` (the loaded chains' ids). */
export function chainRefProblems(config: MockForgeConfig, known: readonly string[], source: ConfigSource): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  forEachAction(config, (a, at, owner) => {
    if (a.type !== "execute_chain" || known.includes(a.chain_id)) return;
    const guess = didYouMean(a.chain_id, known);
    const list = known.length > 0 ? `the config loads ${known.map((k) => `'${k}'`).join(", ")}` : "the config loads no chains";
    out.push(
      source.problem("MFG_ERR_CHAIN_NOT_FOUND", [...at, "chain_id"], `${owner} runs chain '${a.chain_id}', which is not loaded (${list})`, {
        hint: guess ? `Did you mean '${guess}'?` : "Add the chain under `chains:` (inline, or a chain file), or fix the id.",
      }),
    );
  });
  return out;
}

/** Problems for every `trigger_webhook` whose `event` is not among `known` (the loaded specs' webhook names). */
export function webhookEventProblems(config: MockForgeConfig, known: readonly string[], source: ConfigSource): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  forEachAction(config, (a, at, owner) => {
    if (a.type !== "trigger_webhook" || known.includes(a.event)) return;
    const guess = didYouMean(a.event, known);
    const list = known.length > 0 ? `the loaded specs have ${known.map((k) => `'${k}'`).join(", ")}` : "no loaded spec has top-level `webhooks`";
    out.push(
      source.problem("MFG_ERR_OPENAPI_UNKNOWN_EVENT", [...at, "event"], `${owner} sends webhook '${a.event}', which no loaded spec defines (${list})`, {
        hint: guess ? `Did you mean '${guess}'?` : "Name an OpenAPI 3.1 spec with that webhook under `openapi:`, or fix the name.",
      }),
    );
  });
  return out;
}
