import { readFile } from "node:fs/promises";
import { MockForgeError } from "../core/errors.js";

/**
 * Reads a config or chain file as text; a file that cannot be read is MFG_ERR_CONFIG_NOT_FOUND
 * saying why (missing, a folder, no permission) with the caller's hint.
 *
 * @example
 * const text = await readConfigFile("/abs/mockforge.yaml", "mockforge.yaml", "Config file", "check the path, or pass --config <file>");
 */
export async function readConfigFile(absolute: string, shown: string, what: string, hint: string): Promise<string> {
  try {
    return await readFile(absolute, "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a folder" : `cannot be read (${code ?? String(e)})`;
    throw new MockForgeError("MFG_ERR_CONFIG_NOT_FOUND", `${what} ${shown} ${why}`, { file: shown, hint: code === "EISDIR" ? "pass the file inside it, e.g. mockforge.yaml" : hint }, { cause: e });
  }
}
