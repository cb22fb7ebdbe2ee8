/**
 * The checks a config needs beyond its schema, which live with the domains that own them:
 * chain files and inline chains (chains/), consistency rules (rules/), chaos scenarios
 * (scenarios/), route scripts (scripting/), and the `trigger_webhook` events the config's
 * OpenAPI specs must define. `serve` and `validate` both run them, on a config loaded with
 * `collectProblems`, so a broken config never starts, and every problem (the routes' too) comes
 * back at once with file:line:col: fixing one class of errors never reveals the next on restart.
 */
import { loadChains, type LoadedChain } from "./chains/index.js";
import { chainRefProblems, ConfigError, webhookEventProblems, type ConfigProblem, type LoadedConfig } from "./config/index.js";
import type { Deps } from "./core/deps.js";
import { logsShadowWarnings } from "./config/logs-shadow.js";
import { timedSignatureWarnings } from "./config/signing-warnings.js";
import { isMockForgeError } from "./core/errors.js";
import { compileRules } from "./rules/index.js";
import { validateChaos } from "./scenarios/index.js";
import { checkScriptSyntax, loadScriptSyntaxChecker } from "./scripting/index.js";

export interface CheckedDomain {
  chains: LoadedChain[];
  warnings: string[];
}

/**
 * Throws one ConfigError with every problem: the load's own (`loaded.problems`), the domains',
 * and, with `webhookNames` (which loads the config's specs), unknown `trigger_webhook` events.
 */
export async function checkDomain(loaded: LoadedConfig, deps: Pick<Deps, "clock" | "random">, webhookNames?: () => Promise<readonly string[]>): Promise<CheckedDomain> {
  const { config, source } = loaded;
  const problems: ConfigProblem[] = [...(loaded.problems ?? [])];
  let chains: LoadedChain[] = [];
  const warnings: string[] = [];
  if (hasScripts(config)) await loadScriptSyntaxChecker();
  try {
    const out = await loadChains(config.chains, { dir: loaded.dir, source });
    chains = out.chains;
    warnings.push(...out.warnings);
  } catch (e) {
    if (e instanceof ConfigError) problems.push(...e.problems);
    else if (isMockForgeError(e)) problems.push(source.problem(e.code, ["chains"], e.message, { hint: e.details.hint }));
    else throw e;
  }
  // A chain file that failed to load has no id to match (its own problems are reported); an
  // inline chain with problems still has the id it was given.
  const inlineIds = config.chains.flatMap((c) => (typeof c !== "string" && c.id ? [c.id] : []));
  if (!problems.some((p) => p.file !== source.file)) problems.push(...chainRefProblems(config, [...new Set([...chains.map((c) => c.chain.id), ...inlineIds])], source));
  const rules = compileRules(config.intelligent_behavior.behavior_model.consistency_rules, { clock: deps.clock, random: deps.random });
  for (const i of rules.issues) problems.push(source.problem(i.code, ["intelligent_behavior", "behavior_model", "consistency_rules", ...i.path], i.message, { hint: i.hint, offset: i.offset }));
  for (const i of validateChaos(config.chaos)) problems.push(source.problem(i.code, ["chaos", ...i.path], i.message, { hint: i.hint, offset: i.offset }));
  config.routes.forEach((r, i) => {
    if (!r.script) return;
    const check = checkScriptSyntax(r.script);
    if (!check.ok) problems.push(source.problem("MFG_ERR_SCRIPT_SYNTAX", ["routes", i, "script"], `script does not compile: ${check.message} (script line ${check.line}, column ${check.column})`));
  });
  if (webhookNames) problems.push(...(await eventProblems(loaded, webhookNames, problems.length > 0)));
  if (problems.length > 0) throw new ConfigError(problems);
  warnings.push(...timedSignatureWarnings(config.routes), ...logsShadowWarnings(config.routes, source));
  return { chains, warnings };
}

/** Whether the config itself holds a script to check (chain files load the checker themselves). */
function hasScripts(config: LoadedConfig["config"]): boolean {
  return (
    config.routes.some((r) => r.script !== undefined) ||
    config.intelligent_behavior.behavior_model.consistency_rules.some((r) => r.action.type === "script") ||
    config.chains.some((c) => typeof c !== "string" && c.links.some((l) => l.scripting !== undefined))
  );
}

/**
 * `trigger_webhook` events no spec defines. A spec that does not load is its own error; beside
 * other problems it joins them (at `openapi`) instead of hiding them.
 */
async function eventProblems(loaded: LoadedConfig, webhookNames: () => Promise<readonly string[]>, others: boolean): Promise<ConfigProblem[]> {
  try {
    return webhookEventProblems(loaded.config, [...(await webhookNames())], loaded.source);
  } catch (e) {
    if (!others) throw e;
    if (e instanceof ConfigError) return [...e.problems];
    if (isMockForgeError(e)) return [loaded.source.problem(e.code, ["openapi"], e.message, { hint: e.details.hint })];
    throw e;
  }
}
