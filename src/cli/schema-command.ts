import { Command } from "commander";
import { configJsonSchema } from "../config/index.js";

/** `mockforge schema`: the config's JSON Schema, for editor completion (yaml-language-server). */
export function schemaCommand(): Command {
  return new Command("schema").description("Print the JSON Schema of the config file").action(() => {
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  });
}
