import { Command } from "commander";
import { deliveriesCommand } from "./deliveries-command.js";
import { schemaCommand } from "./schema-command.js";
import { serveCommand } from "./serve-command.js";
import { validateCommand } from "./validate-command.js";

const program = new Command("mockforge")
  .description("A mock HTTP server whose mocks call back")
  .version("0.1.0")
  .addCommand(serveCommand())
  .addCommand(validateCommand())
  .addCommand(schemaCommand())
  .addCommand(deliveriesCommand());

await program.parseAsync(process.argv);
