import { Command } from "commander";
import { COMMANDS } from "./cli-commands.js";

const program = new Command("mockforge").description("A mock HTTP server whose mocks call back").version("0.1.0");
// `mockforge <cmd> …` and `mockforge help <cmd>` load that command; anything else (`--help`,
// no command, an unknown one) gets light stand-ins that only describe the commands.
const [first, second] = process.argv.slice(2);
const wanted = COMMANDS.find((c) => c.name === (first === "help" ? second : first));
for (const c of COMMANDS) program.addCommand(c === wanted ? await c.load() : new Command(c.name).description(c.description));
await program.parseAsync(process.argv);
