import { Command } from "commander";
import { COMMAND_LIST } from "./command-list.js";

/**
 * Each subcommand's module is imported only when that subcommand runs: `serve` pulls in the
 * whole server, `--help` needs none of it (all of them took ~0.7 s of CPU to import here).
 * Names and descriptions come from command-list.ts, which the top-level help reads alone.
 */
const LOADERS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import("./serve-command.js")).serveCommand(),
  validate: async () => (await import("./validate-command.js")).validateCommand(),
  schema: async () => (await import("./schema-command.js")).schemaCommand(),
  deliveries: async () => (await import("./deliveries-command.js")).deliveriesCommand(),
  chain: async () => (await import("./chain-command.js")).chainCommand(),
  scenario: async () => (await import("./scenario-command.js")).scenarioCommand(),
  cluster: async () => (await import("./cluster-command.js")).clusterCommand(),
  openapi: async () => (await import("./openapi-command.js")).openapiCommand(),
  trigger: async () => (await import("./trigger-command.js")).triggerCommand(),
};

export const COMMANDS: { name: string; description: string; load: () => Promise<Command> }[] = COMMAND_LIST.map((c) => ({ ...c, load: LOADERS[c.name]! }));
