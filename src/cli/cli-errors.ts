import { isMockForgeError } from "../core/errors.js";

/** Prints an error the way a user can act on it (coded errors format themselves) and returns the exit code. */
export function reportError(e: unknown, exitCode = 1): number {
  if (isMockForgeError(e)) process.stderr.write(`${e.format()}\n`);
  else process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return exitCode;
}
