/**
 * Resolves the config's `chains:` list: inline chains are validated in place; strings are chain
 * file paths or globs relative to the config's folder. Every problem of every chain and file is
 * collected into one `ConfigError`, so a user sees them all at once.
 */
import { ConfigError, detachedSource, type ConfigProblem, type ConfigSource } from "../config/index.js";
import type { ChainsConfig } from "../config/schema/chains.js";
import { isMockForgeError } from "../core/errors.js";
import { globFiles, hasGlobMagic } from "./glob-files.js";
import { chainConfigProblems, loadChainFile, type ChainLoadOptions, type LoadedChain } from "./load-chain-file.js";
import { validateChain } from "./validate-chain.js";

export interface LoadChainsOptions extends ChainLoadOptions {
  /** The config file's folder: the base of relative chain paths and globs. */
  dir: string;
  /** The config's source, to locate inline chains' problems at file:line:col (paths only without it). */
  source?: ConfigSource;
}

export interface LoadedChains {
  chains: LoadedChain[];
  /** Warnings of every chain, and globs that matched nothing. */
  warnings: string[];
}

/**
 * @throws ConfigError listing every problem (chain problems carry MFG_ERR_CHAIN_INVALID / _CYCLE)
 * @example
 * const { chains } = await loadChains(config.chains, { dir: loaded.dir });
 */
export async function loadChains(entries: ChainsConfig, options: LoadChainsOptions): Promise<LoadedChains> {
  const source = options.source ?? detachedSource("<config>");
  const problems: ConfigProblem[] = [];
  const chains: LoadedChain[] = [];
  const warnings: string[] = [];
  const origins = new Map<string, string>();

  const keep = (loaded: LoadedChain, where: string, at: (string | number)[]) => {
    const prev = origins.get(loaded.chain.id);
    if (prev !== undefined) {
      problems.push(source.problem("MFG_ERR_CHAIN_INVALID", at, `chain id '${loaded.chain.id}' is defined twice (${prev} and ${where}); ids must be unique`));
      return;
    }
    origins.set(loaded.chain.id, where);
    chains.push(loaded);
    warnings.push(...loaded.warnings);
  };

  for (const [i, entry] of entries.entries()) {
    if (typeof entry !== "string") {
      const v = validateChain(entry, options.checkScript ? { checkScript: options.checkScript } : {});
      if (!v.prepared) {
        problems.push(...chainConfigProblems(v, source, ["chains", i]));
        continue;
      }
      for (const w of v.warnings) warnings.push(`${source.file}: chains[${i}]: chain '${v.chainId}': ${w.message}`);
      keep({ chain: v.prepared, origin: source.file, warnings: [] }, `chains[${i}]`, ["chains", i]);
      continue;
    }
    const files = hasGlobMagic(entry) ? await globFiles(entry, options.dir) : [entry];
    if (files.length === 0) warnings.push(`${source.file}: chains[${i}]: '${entry}' matched no chain files in ${options.dir}`);
    for (const file of files) {
      try {
        keep(await loadChainFile(file, { cwd: options.dir, ...(options.checkScript ? { checkScript: options.checkScript } : {}) }), file, ["chains", i]);
      } catch (e) {
        if (e instanceof ConfigError) problems.push(...e.problems);
        else if (isMockForgeError(e)) problems.push(source.problem(e.code, ["chains", i], e.message, e.details.hint ? { hint: e.details.hint } : {}));
        else throw e;
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { chains, warnings };
}
