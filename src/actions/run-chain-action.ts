/**
 * `execute_chain`, for hooks and rules alike: run the chain through the `ChainRunner` port and
 * say whether what it started failed. A run that failed without an error of its own is
 * `MFG_ERR_CHAIN_FAILED`. The request is made only once a runner is known to exist, so a hook
 * without chains reports that, not a template problem of its variables.
 */
import type { ChainRunner, ChainRunRequest, ChainRunSummary } from "../chains/chain-runner.js";
import { MockForgeError } from "../core/errors.js";

export interface ChainActionOutcome {
  run: ChainRunSummary;
  /** Set when the run failed. */
  error: { code: string; message: string } | null;
}

/**
 * @example
 * const { run, error } = await runChainAction(services.chains, "orders", () => ({ variables }), "Add the chain under `chains:` in the config.");
 */
export async function runChainAction(chains: ChainRunner | undefined, chainId: string, request: () => ChainRunRequest, noChainsHint: string): Promise<ChainActionOutcome> {
  if (!chains) throw new MockForgeError("MFG_ERR_CHAIN_NOT_FOUND", `Chain '${chainId}' cannot run: no chains are loaded here`, { hint: noChainsHint });
  const run = await chains.run(chainId, request());
  const error = run.status === "failed" ? (run.error ?? { code: "MFG_ERR_CHAIN_FAILED", message: `chain run ${run.id} failed` }) : null;
  return { run, error };
}
