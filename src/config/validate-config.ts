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
import { validateSigning } from "./schema/webhooks.js";
import { checkRouteTemplates } from "./template-checks.js";

/** Every semantic problem in `config`; empty when it is fine. */
export function findConfigProblems(config: MockForgeConfig, source: ConfigSource = detachedSource()): ConfigProblem[] {
  const problems = findRouteProblems(config.routes, source);
  const signing = validateSigning(config.webhooks.signing);
  if (signing) problems.push(source.problem("MFG_ERR_CONFIG_INVALID", ["webhooks", "signing"], signing));
  return problems;
}

/** Problems in a list of routes sitting at `prefix` (`["routes"]` in a config file). */
export function findRouteProblems(routes: readonly RouteConfig[], source: ConfigSource, prefix: readonly PropertyKey[] = ["routes"]): ConfigProblem[] {
  const problems = [...checkRoutes(routes, source, prefix), ...checkRouteTemplates(routes, source, prefix)];
  routes.forEach((route, i) => {
    route.webhooks.forEach((hook, j) => {
      const signing = validateSigning(hook.signing);
      if (signing) problems.push(source.problem("MFG_ERR_CONFIG_INVALID", [...prefix, i, "webhooks", j, "signing"], signing));
    });
    const verify = validateSigning(route.verify);
    if (verify) problems.push(source.problem("MFG_ERR_CONFIG_INVALID", [...prefix, i, "verify"], verify.replace("signing needs", "verify needs")));
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
