import { describe, expect, it } from "vitest";
import { COMMANDS } from "./cli-commands.js";

describe("CLI command table", () => {
  // The top-level help is printed from the table without loading the commands: it must say
  // what each command says of itself.
  it("names and describes each command as the command itself does", async () => {
    for (const c of COMMANDS) {
      const cmd = await c.load();
      expect(cmd.name()).toBe(c.name);
      expect(cmd.description()).toBe(c.description);
    }
  }, 60_000);
});
