/**
 * What hooks and scenarios need from the rest of MockForge, as small ports: the delivery engine
 * (queued hook calls, awaited step requests), a chain runner for `execute_chain`, and the usual
 * clock/random/logger/env. `app.ts` binds the server's own services; tests pass fakes.
 */
import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { Random } from "../core/random.js";
import type { DeliveryEngine } from "../delivery/types.js";

/** What a chain run is asked with: variables and the trace the call belongs to (loop guard). */
export interface ChainRunRequest {
  variables?: Record<string, unknown>;
  traceId?: string | null;
  traceDepth?: number;
  signal?: AbortSignal;
  /** The request that caused the run, visible to the chain as `request.*`. */
  request?: { method: string; path: string; params: Record<string, string>; query: Record<string, unknown>; headers: Record<string, unknown>; body: unknown };
}

/** The part of a finished chain run hooks and rules record. `runChain`'s `ChainRun` fits it. */
export interface ChainRunSummary {
  id: string;
  status: string;
  error?: { code: string; message: string } | null;
}

/**
 * Runs a chain by id; rejects with MFG_ERR_CHAIN_NOT_FOUND for an unknown id. The lead binds it
 * to the chain registry and `runChain`.
 */
export interface ChainRunner {
  run(chainId: string, request: ChainRunRequest): Promise<ChainRunSummary>;
}

export interface HookServices {
  deliveries: Pick<DeliveryEngine, "enqueue" | "send">;
  /** Absent: `execute_chain` actions fail with a reason saying no chains are loaded. */
  chains?: ChainRunner;
  clock: Clock;
  random: Random;
  logger: Logger;
  /** Visible to templates as `env.X`. */
  env: Record<string, string | undefined>;
  /** The server under test, as `{{base_url}}`; relative step request URLs resolve against it. */
  baseUrl?: string;
}
