import { Command } from "commander";
import { COMMAND_LIST } from "./command-list.js";

/**
 * The entry of the CLI's small bundle (dist/bundle/help.cjs): bin/mockforge.js asks it whether
 * a command line names a command, and runs the top-level help from it, reading none of the
 * server's code (the main bundle is 2.4 MB). Imports nothing that loads a command.
 */
export { wantedCommand } from "./command-list.js";

/** Anything that names no command (`--help`, `--version`, no word, an unknown one): stand-ins only. */
export async function runHelp(argv: string[]): Promise<void> {
  const program = topLevel();
  for (const c of COMMAND_LIST) program.addCommand(new Command(c.name).description(c.description));
  await program.parseAsync(argv);
}

/** The `mockforge` program, without its commands. */
export function topLevel(): Command {
  return new Command("mockforge").description("A mock HTTP server whose mocks call back").version("0.1.0");
}
