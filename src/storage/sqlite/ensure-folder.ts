import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { MockForgeError } from "../../core/errors.js";

/**
 * Creates the folder a state file goes in, one level at a time, and refuses with a coded error
 * when it cannot. Not `mkdirSync(..., { recursive: true })`: on a path under `/proc` that call
 * spins forever (ENOENT it retries), and under a regular file it throws a raw EEXIST.
 */
export function ensureStateFolder(file: string): void {
  const folder = resolve(dirname(file));
  const missing: string[] = [];
  let at = folder;
  for (;;) {
    const kind = kindOf(at);
    if (kind === "dir") break;
    if (kind === "other") throw cannot(file, `'${at}' is a file, not a folder`);
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST" && kindOf(dir) === "dir") continue;
      throw cannot(file, `cannot create folder '${dir}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`, e);
    }
  }
}

function kindOf(path: string): "dir" | "other" | "none" {
  try {
    return statSync(path).isDirectory() ? "dir" : "other";
  } catch {
    return "none";
  }
}

function cannot(file: string, why: string, cause?: unknown): MockForgeError {
  return new MockForgeError(
    "MFG_ERR_STORAGE",
    `Cannot use state file '${file}': ${why}`,
    { hint: "Pass --state with a path in a writable folder, or --ephemeral to keep state in memory." },
    cause === undefined ? undefined : { cause },
  );
}
