import { Command } from "commander";
import { chainCommand } from "./chain-command.js";
import { clusterCommand } from "./cluster-command.js";
import { deliveriesCommand } from "./deliveries-command.js";
import { scenarioCommand } from "./scenario-command.js";
import { schemaCommand } from "./schema-command.js";
import { serveCommand } from "./serve-command.js";
import { validateCommand } from "./validate-command.js";

const program = new Command("mockforge")
  .description("A mock HTTP server whose mocks call back")
  .version("0.1.0")
  .addCommand(serveCommand())
  .addCommand(validateCommand())
  .addCommand(schemaCommand())
  .addCommand(deliveriesCommand())
  .addCommand(chainCommand())
  .addCommand(scenarioCommand())
  .addCommand(clusterCommand());

await program.parseAsync(process.argv);
