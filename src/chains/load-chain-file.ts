/**
 * Chain documents → prepared chains. A chain file (YAML or JSON, the seed's form) goes through
 * the config loader's pipeline, so `storeAs`/`dependsOn` are accepted, unknown keys are errors
 * at `file:line:col` with a did-you-mean, and the chain's own problems (cycles, unknown ids,
 * templates) are located in the file too.
 */

import path from "node:path";
import { ConfigError, parseValueWithSchema, parseWithSchema, problemLine, readConfigFile, type ConfigProblem, type ConfigSource, type ConfigWarning } from "../config/index.js";
import { chainSchema, type ChainConfig } from "../config/schema/chains.js";
import type { PreparedChain } from "./prepared-chain.js";
import { validateChain, type ChainValidation, type ValidateChainOptions } from "./validate-chain.js";
import { loadScriptSyntaxChecker } from "../scripting/index.js";

export interface LoadedChain {
  chain: PreparedChain;
  /** Where it came from: the file path, or a label such as `POST /__mockforge/chains`. */
  origin: string;
  /** Unknown `chain.*` names, YAML warnings: `file:line:col message`. */
  warnings: string[];
}

export interface ChainLoadOptions {
  /** Syntax check for scripts (defaults to none; `chainLoadDefaults()` supplies the sandbox's). */
  checkScript?: ValidateChainOptions["checkScript"];
}

/** `orders.chain.yaml` → `orders.chain`; the id a chain file gets when it has none. */
export function chainIdFromFile(file: string): string {
  return path.basename(file).replace(/\.(ya?ml|json)$/i, "");
}

/**
 * Turns a validation's problems into located config problems, each naming the chain. `base` is
 * where the chain sits in its document (`["chains", 2]` for an inline chain, `[]` for a file).
 *
 * @example
 * throw new ConfigError(chainConfigProblems(validation, parsed.source, ["chains", 0]));
 */
export function chainConfigProblems(v: ChainValidation, source: ConfigSource, base: readonly (string | number)[] = []): ConfigProblem[] {
  return v.errors.map((p) =>
    source.problem(p.code, [...base, ...p.segments], `chain '${v.chainId || "(no id)"}': ${p.message}`, {
      ...(p.offset !== undefined ? { offset: p.offset } : {}),
      ...(p.hint !== undefined ? { hint: p.hint } : {}),
    }),
  );
}

function warningLines(v: ChainValidation, source: ConfigSource, base: readonly (string | number)[], yaml: ConfigWarning[]): string[] {
  const out = yaml.map((w) => problemLine({ code: "MFG_ERR_CONFIG_INVALID", message: w.message, file: w.file, line: w.line, column: w.column, path: w.path ?? "" }));
  for (const w of v.warnings) {
    const p = source.problem("MFG_ERR_CHAIN_INVALID", [...base, ...w.segments], `chain '${v.chainId}': ${w.message}`);
    out.push(problemLine(p));
  }
  return out;
}

function finish(data: ChainConfig, source: ConfigSource, yamlWarnings: ConfigWarning[], defaultId: string | undefined, options: ChainLoadOptions): LoadedChain {
  const v = validateChain(data, { ...(defaultId ? { defaultId } : {}), ...(options.checkScript ? { checkScript: options.checkScript } : {}) });
  if (!v.prepared) throw new ConfigError(chainConfigProblems(v, source));
  return { chain: v.prepared, origin: source.file, warnings: warningLines(v, source, [], yamlWarnings) };
}

/**
 * Parses and validates chain text (YAML or JSON). `file` names it in messages and gives the
 * default id (its name without the extension); pass `defaultId` for text that has no file.
 *
 * @throws ConfigError (MFG_ERR_CONFIG_* for shape problems, MFG_ERR_CHAIN_INVALID / _CYCLE for the chain's own)
 * @example
 * const { chain } = parseChainText(yamlText, "chains/payment.yaml"); // chain.id === "payment" unless the file says
 */
export function parseChainText(text: string, file: string, options: ChainLoadOptions & { defaultId?: string } = {}): LoadedChain {
  const parsed = parseWithSchema(text.replace(/^\uFEFF/, ""), file, chainSchema);
  return finish(parsed.data, parsed.source, parsed.warnings, options.defaultId ?? chainIdFromFile(file), options);
}

/**
 * Validates a chain given as data (an admin API JSON body, a chain built in code), with the
 * same key spellings and messages as a file. `label` names the origin in messages.
 *
 * @throws ConfigError as `parseChainText`
 */
export function parseChainValue(value: unknown, label: string, options: ChainLoadOptions & { defaultId?: string } = {}): LoadedChain {
  const parsed = parseValueWithSchema(value, label, chainSchema);
  return finish(parsed.data, parsed.source, parsed.warnings, options.defaultId, options);
}

/**
 * Reads a chain file.
 *
 * @throws MockForgeError MFG_ERR_CONFIG_NOT_FOUND when it cannot be read; ConfigError as `parseChainText`
 * @example
 * const { chain, warnings } = await loadChainFile("chains/payment.yaml");
 */
export async function loadChainFile(file: string, options: ChainLoadOptions & { cwd?: string } = {}): Promise<LoadedChain> {
  const absolute = path.resolve(options.cwd ?? process.cwd(), file);
  const text = await readConfigFile(absolute, file, "Chain file", "check the path (relative paths in a config are relative to the config file's folder)");
  // A superset test on the text (a comment naming one loads it too): the check itself is exact.
  if (text.includes("_script")) await loadScriptSyntaxChecker();
  return parseChainText(text, file, options);
}
