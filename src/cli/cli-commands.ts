import { Command } from "commander";

/**
 * Each subcommand's module is imported only when that subcommand runs: `serve` pulls in the
 * whole server, `--help` needs none of it (all of them took ~0.7 s of CPU to import here).
 * The descriptions are repeated here for the top-level help; cli-commands.test.ts checks that
 * they match the commands' own.
 */
export const COMMANDS: { name: string; description: string; load: () => Promise<Command> }[] = [
  { name: "serve", description: "Serve the mocked routes and the admin API from a config file", load: async () => (await import("./serve-command.js")).serveCommand() },
  { name: "validate", description: "Check a config file: syntax, schema, unknown keys, templates and the names they read, signing secrets, chain ids, duplicate routes", load: async () => (await import("./validate-command.js")).validateCommand() },
  { name: "schema", description: "Print the JSON Schema of the config file", load: async () => (await import("./schema-command.js")).schemaCommand() },
  { name: "deliveries", description: "Inspect and replay outbound deliveries", load: async () => (await import("./deliveries-command.js")).deliveriesCommand() },
  { name: "chain", description: "Run request chains and read their history", load: async () => (await import("./chain-command.js")).chainCommand() },
  { name: "scenario", description: "Run chaos scenarios", load: async () => (await import("./scenario-command.js")).scenarioCommand() },
  { name: "cluster", description: "Inspect a MockForge cluster (instances sharing one PostgreSQL)", load: async () => (await import("./cluster-command.js")).clusterCommand() },
  { name: "openapi", description: "Work with OpenAPI specs", load: async () => (await import("./openapi-command.js")).openapiCommand() },
  { name: "trigger", description: "Send an OpenAPI 3.1 webhook (an event of a spec's top-level `webhooks`)", load: async () => (await import("./trigger-command.js")).triggerCommand() },
];
