import { Command } from "commander";
import { COMMANDS } from "./cli-commands.js";

/**
 * Runs the CLI on `argv` (process.argv's shape). Resolves when the command's action has: for
 * `serve`, once the server listens. A function rather than main.ts's top-level code so the
 * bundle can be CommonJS, which Node 20 can compile from a V8 code cache (bin/load-bundle.js).
 */
export async function runCli(argv: string[]): Promise<void> {
  const program = new Command("mockforge").description("A mock HTTP server whose mocks call back").version("0.1.0");
  // `mockforge <cmd> …` and `mockforge help <cmd>` load that command; anything else (`--help`,
  // no command, an unknown one) gets light stand-ins that only describe the commands.
  const [first, second] = argv.slice(2);
  const wanted = COMMANDS.find((c) => c.name === (first === "help" ? second : first));
  for (const c of COMMANDS) program.addCommand(c === wanted ? await c.load() : new Command(c.name).description(c.description));
  await program.parseAsync(argv);
}
