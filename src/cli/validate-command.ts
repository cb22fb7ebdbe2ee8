import { Command } from "commander";
import { loadConfig } from "../config/index.js";
import { defaultDeps } from "../core/deps.js";
import { checkDomain } from "../domain-checks.js";
import { reportError } from "./cli-errors.js";

/** `mockforge validate <file>`: the same checks as `serve`, without listening. Exit 1 on any problem. */
export function validateCommand(): Command {
  return new Command("validate")
    .description("Check a config file: syntax, schema, unknown keys, templates, duplicate routes")
    .argument("[file]", "config file", "mockforge.yaml")
    .action(async (file: string) => {
      try {
        const loaded = await loadConfig(file);
        const checked = await checkDomain(loaded, defaultDeps());
        for (const w of [...loaded.warnings, ...checked.warnings]) process.stderr.write(`warning: ${w}\n`);
        process.stdout.write(`${loaded.file}: OK (${loaded.config.routes.length} routes, ${checked.chains.length} chains, ${loaded.config.chaos.scenarios.length} scenarios, ${loaded.config.intelligent_behavior.behavior_model.consistency_rules.length} rules)\n`);
      } catch (e) {
        process.exitCode = reportError(e);
      }
    });
}
