import { Command } from "commander";
import { COMMANDS } from "./cli-commands.js";
import { wantedCommand } from "./command-list.js";
import { topLevel } from "./run-help.js";

/**
 * Runs the CLI on `argv` (process.argv's shape). Resolves when the command's action has: for
 * `serve`, once the server listens. A function rather than main.ts's top-level code so the
 * bundle can be CommonJS, which Node 20 can compile from a V8 code cache (bin/load-bundle.js).
 */
export async function runCli(argv: string[]): Promise<void> {
  // `mockforge <cmd> …` and `mockforge help <cmd>` load that command; the others are light
  // stand-ins that only describe themselves.
  const wanted = wantedCommand(argv);
  const program = topLevel();
  for (const c of COMMANDS) program.addCommand(c.name === wanted ? await c.load() : new Command(c.name).description(c.description));
  await program.parseAsync(argv);
}
