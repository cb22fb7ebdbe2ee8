/**
 * The CLI's commands by name and description, with nothing of theirs imported: the top-level
 * help is printed from this list alone (bin/mockforge.js runs it from its own small bundle, so
 * `--help` reads none of the server's code). cli-commands.ts adds how to load each command;
 * cli-commands.test.ts checks that the descriptions match the commands' own.
 */
export const COMMAND_LIST: readonly { name: string; description: string }[] = [
  { name: "serve", description: "Serve the mocked routes and the admin API from a config file" },
  { name: "validate", description: "Check a config file: syntax, schema, unknown keys, templates and the names they read, signing secrets, chain ids, duplicate routes" },
  { name: "schema", description: "Print the JSON Schema of the config file" },
  { name: "deliveries", description: "Inspect and replay outbound deliveries" },
  { name: "chain", description: "Run request chains and read their history" },
  { name: "scenario", description: "Run chaos scenarios" },
  { name: "cluster", description: "Inspect a MockForge cluster (instances sharing one PostgreSQL)" },
  { name: "openapi", description: "Work with OpenAPI specs" },
  { name: "trigger", description: "Send an OpenAPI 3.1 webhook (an event of a spec's top-level `webhooks`)" },
];

/** The command `argv` (process.argv's shape) runs: `mockforge <cmd> …` or `mockforge help <cmd>`; undefined for the top-level help, a version or an unknown word. */
export function wantedCommand(argv: readonly string[]): string | undefined {
  const [first, second] = argv.slice(2);
  const name = first === "help" ? second : first;
  return COMMAND_LIST.find((c) => c.name === name)?.name;
}
