import { Command } from "commander";
import { loadConfig } from "../config/index.js";
import { reportError } from "./cli-errors.js";

/** `mockforge validate <file>`: the same checks as `serve`, without listening. Exit 1 on any problem. */
export function validateCommand(): Command {
  return new Command("validate")
    .description("Check a config file: syntax, schema, unknown keys, templates, duplicate routes")
    .argument("[file]", "config file", "mockforge.yaml")
    .action(async (file: string) => {
      try {
        const loaded = await loadConfig(file);
        for (const w of loaded.warnings) process.stderr.write(`warning: ${w}\n`);
        process.stdout.write(`${loaded.file}: OK (${loaded.config.routes.length} routes)\n`);
      } catch (e) {
        process.exitCode = reportError(e);
      }
    });
}
