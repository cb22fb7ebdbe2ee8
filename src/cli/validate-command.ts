import { Command } from "commander";
import { ConfigError, loadConfig, type LoadedConfig } from "../config/index.js";
import { defaultDeps } from "../core/deps.js";
import { MockForgeError } from "../core/errors.js";
import { checkDomain } from "../domain-checks.js";
import { reportError } from "./cli-errors.js";

/** `mockforge validate <file>`: the same checks as `serve`, without listening. Exit 1 on any problem. */
export function validateCommand(): Command {
  return new Command("validate")
    .description("Check a config file: syntax, schema, unknown keys, templates and the names they read, signing secrets, chain ids, duplicate routes")
    .argument("[file]", "config file", "mockforge.yaml")
    .action(async (file: string) => {
      try {
        // The checks serve runs at start, in one report: routes, domains, and the events of the
        // specs (loaded as serve loads them).
        const loaded = await loadConfig(file, { collectProblems: true });
        const checked = await checkDomain(loaded, defaultDeps(), () => specWebhookNames(loaded));
        for (const w of [...loaded.warnings, ...checked.warnings]) process.stderr.write(`warning: ${w}\n`);
        process.stdout.write(`${loaded.file}: OK (${loaded.config.routes.length} routes, ${checked.chains.length} chains, ${loaded.config.chaos.scenarios.length} scenarios, ${loaded.config.intelligent_behavior.behavior_model.consistency_rules.length} rules)\n`);
      } catch (e) {
        process.exitCode = reportError(chainFileError(e, file) ?? e);
      }
    });
}

/**
 * A chain file given to `validate` fails as a config on its top-level `links` (and `id`,
 * `name`): say what the file is and which command checks it, instead of listing unknown keys.
 */
function chainFileError(e: unknown, file: string): MockForgeError | null {
  if (!(e instanceof ConfigError)) return null;
  const links = e.problems.find((p) => p.code === "MFG_ERR_CONFIG_UNKNOWN_KEY" && p.path === "links");
  if (!links) return null;
  return new MockForgeError("MFG_ERR_CONFIG_INVALID", `${file} is a chain file (it has top-level \`links\`), not a server config`, {
    file: links.file,
    hint: `Validate it with \`mockforge chain validate ${file}\`; run it with \`mockforge chain run ${file}\`; or list it under \`chains:\` in a config and validate that.`,
  });
}

/** The webhook names of the config's specs (loaded as serve loads them); none without specs. */
async function specWebhookNames(loaded: LoadedConfig): Promise<string[]> {
  if (loaded.config.openapi.length === 0) return [];
  const { loadSpec } = await import("../openapi/index.js");
  const names: string[] = [];
  for (const cfg of loaded.config.openapi) {
    const model = await loadSpec(cfg.spec, { dir: loaded.dir, basePath: cfg.base_path, lenient: cfg.lenient });
    names.push(...model.webhooks.map((w) => w.name));
  }
  return names;
}
