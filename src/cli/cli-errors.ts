import { isMockForgeError } from "../core/errors.js";

/** Prints an error the way a user can act on it and returns the exit code to use. */
export function reportError(e: unknown, exitCode = 1): number {
  if (isMockForgeError(e)) {
    process.stderr.write(`${e.format()}\n`);
    const more = e.details.errors;
    if (Array.isArray(more) && more.length > 1) {
      for (const m of more.slice(1, 20)) {
        if (m && typeof m === "object" && "format" in m && typeof m.format === "function") process.stderr.write(`${m.format()}\n`);
        else process.stderr.write(`${JSON.stringify(m)}\n`);
      }
    }
  } else {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  }
  return exitCode;
}
