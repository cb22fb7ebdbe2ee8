/**
 * Checks a schema-valid config for what the schema cannot express: route paths and
 * duplicates, templates and conditions that do not compile, signing blocks without a secret.
 * Runs only once the schema passes, because these checks read typed data.
 */
import type { ConfigProblem } from "./config-error.js";
import { ConfigError } from "./config-error.js";
import { detachedSource, type ConfigSource } from "./parse-with-schema.js";
import { checkRoutes } from "./route-checks.js";
import type { MockForgeConfig } from "./schema/config.js";
import type { RouteConfig } from "./schema/routes.js";
import { signingProblem } from "./schema/signing.js";
import { checkRouteTemplates } from "./template-checks.js";

/** Every semantic problem in `config`; empty when it is fine. */
export function findConfigProblems(config: MockForgeConfig, source: ConfigSource = detachedSource()): ConfigProblem[] {
  const problems = findRouteProblems(config.routes, source);
  problems.push(...signingProblems(config.webhooks.signing, ["webhooks", "signing"], source));
  return problems;
}

/**
 * A signing or verify block's problem (no secret, a secret the scheme cannot decode, a custom
 * layout), at the secret it is about. `verify` blocks say so in the message.
 */
export function signingProblems(block: Parameters<typeof signingProblem>[0], at: readonly PropertyKey[], source: ConfigSource, verify = false): ConfigProblem[] {
  const p = signingProblem(block);
  if (!p) return [];
  return [source.problem("MFG_ERR_CONFIG_INVALID", [...at, ...p.path], verify ? p.message.replace(/^signing /, "verify ") : p.message)];
}

/** Problems in a list of routes sitting at `prefix` (`["routes"]` in a config file). */
export function findRouteProblems(routes: readonly RouteConfig[], source: ConfigSource, prefix: readonly PropertyKey[] = ["routes"]): ConfigProblem[] {
  const problems = [...checkRoutes(routes, source, prefix), ...checkRouteTemplates(routes, source, prefix)];
  routes.forEach((route, i) => {
    route.webhooks.forEach((hook, j) => problems.push(...signingProblems(hook.signing, [...prefix, i, "webhooks", j, "signing"], source)));
    problems.push(...signingProblems(route.verify, [...prefix, i, "verify"], source, true));
  });
  return problems;
}

/**
 * Throws one `ConfigError` listing every semantic problem. Pass the `source` from loading to
 * get line and column; without it problems carry paths only.
 *
 * @throws ConfigError (MFG_ERR_ROUTE_DUPLICATE, MFG_ERR_ROUTE_INVALID, MFG_ERR_TEMPLATE_SYNTAX, …)
 * @example
 * validateConfig(config); // throws if two routes share method and path
 */
export function validateConfig(config: MockForgeConfig, source?: ConfigSource): void {
  const problems = findConfigProblems(config, source);
  if (problems.length > 0) throw new ConfigError(problems);
}
