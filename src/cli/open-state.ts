import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { systemClock } from "../core/clock.js";
import { MockForgeError } from "../core/errors.js";
import { openStorage } from "../storage/index.js";
import type { Storage } from "../storage/ports.js";

/**
 * Opens an existing state file for a CLI read. A missing file is an error, not a new empty
 * database: "no deliveries" from the wrong path would send a user looking in the wrong place.
 */
export async function withStateFile<T>(file: string, fn: (s: Storage) => Promise<T>): Promise<T> {
  const path = resolve(file);
  if (!existsSync(path)) {
    throw new MockForgeError("MFG_ERR_NOT_FOUND", `No state file at ${path}`, {
      hint: "A server keeps its state next to its config (examples/.mockforge/state.db for npm start); pass --state <file>, or --url <server> to ask a running server",
    });
  }
  const storage = await openStorage(`sqlite:${path}`, { clock: systemClock });
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}
