/**
 * `execute_chain` actions (rules and hooks) must name a chain the config loads. At run time an
 * unknown id fails every time the rule or hook fires (MFG_ERR_CHAIN_NOT_FOUND); at load it is an
 * error at the `chain_id`, with the nearest known id.
 */
import { didYouMean } from "../expr/did-you-mean.js";
import type { ConfigProblem } from "./config-error.js";
import type { ConfigSource } from "./parse-with-schema.js";
import type { MockForgeConfig } from "./schema/config.js";

/** Problems for every `chain_id` that is not among `known` (the loaded chains' ids). */
export function chainRefProblems(config: MockForgeConfig, known: readonly string[], source: ConfigSource): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const check = (id: string, at: (string | number)[], owner: string) => {
    if (known.includes(id)) return;
    const guess = didYouMean(id, known);
    const list = known.length > 0 ? `the config loads ${known.map((k) => `'${k}'`).join(", ")}` : "the config loads no chains";
    out.push(
      source.problem("MFG_ERR_CHAIN_NOT_FOUND", [...at, "chain_id"], `${owner} runs chain '${id}', which is not loaded (${list})`, {
        hint: guess ? `Did you mean '${guess}'?` : "Add the chain under `chains:` (inline, or a chain file), or fix the id.",
      }),
    );
  };
  config.intelligent_behavior.behavior_model.consistency_rules.forEach((r, i) => {
    if (r.action.type === "execute_chain") check(r.action.chain_id, ["intelligent_behavior", "behavior_model", "consistency_rules", i, "action"], `rule '${r.name}'`);
  });
  config.chaos.scenarios.forEach((sc, i) => {
    const hooks = (list: typeof sc.hooks, at: (string | number)[]) =>
      list.forEach((h, j) =>
        h.actions.forEach((a, k) => {
          if (a.type === "execute_chain") check(a.chain_id, [...at, j, "actions", k], `hook '${h.name}'`);
        }),
      );
    hooks(sc.hooks, ["chaos", "scenarios", i, "hooks"]);
    sc.steps.forEach((st, j) => {
      hooks(st.pre_hooks, ["chaos", "scenarios", i, "steps", j, "pre_hooks"]);
      hooks(st.post_hooks, ["chaos", "scenarios", i, "steps", j, "post_hooks"]);
    });
  });
  return out;
}
