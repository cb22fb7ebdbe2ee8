/**
 * The one port through which anything outside a chain runs one: hook and rule `execute_chain`
 * actions, the admin API, the CLI. The composition root binds it to the chain registry and
 * `runChain` (app-services.ts); tests pass fakes.
 */

/** What a chain run is asked with: variables and the trace the call belongs to (loop guard). */
export interface ChainRunRequest {
  variables?: Record<string, unknown>;
  traceId?: string | null;
  traceDepth?: number;
  signal?: AbortSignal;
  /** The request that caused the run, visible to the chain as `request.*`. */
  request?: { method: string; path: string; params: Record<string, string>; query: Record<string, unknown>; headers: Record<string, unknown>; body: unknown };
}

/** The part of a finished chain run that hooks and rules record. `runChain`'s `ChainRun` fits it. */
export interface ChainRunSummary {
  id: string;
  status: string;
  error?: { code: string; message: string } | null;
}

/** Runs a chain by id; rejects with MFG_ERR_CHAIN_NOT_FOUND for an unknown id. */
export interface ChainRunner {
  run(chainId: string, request: ChainRunRequest): Promise<ChainRunSummary>;
}
