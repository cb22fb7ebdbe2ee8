/**
 * The record of one rule firing (SPEC §7): which rule matched which request, what its action
 * did (the chain run or delivery it made, the script's logs) or why it was suppressed or failed.
 * Stored as the `data` of a `RunRecord` of kind `rule` and listed at `GET /__mockforge/rules/runs`.
 */
import type { RuleActionType } from "../config/schema/rules.js";

/** `suppressed`: the loop guard stopped it (chain already running in the trace, or trace too deep). */
export type RuleRunStatus = "running" | "succeeded" | "failed" | "suppressed";

export interface RuleRun {
  /** `run_…`. */
  id: string;
  rule: string;
  action: RuleActionType;
  status: RuleRunStatus;
  /** Why it was suppressed or failed, in words ("suppressed: already running in this trace"). */
  reason: string | null;
  startedAt: number;
  finishedAt: number | null;
  durationMs: number | null;
  /** The served request that matched. */
  trigger: { requestId: string | null; method: string; path: string; status: number; traceId: string; traceDepth: number };
  /** execute_chain: the chain, its run and how it ended. */
  chainId: string | null;
  chainRunId: string | null;
  chainStatus: string | null;
  /**
   * http_request / webhook / trigger_webhook: every delivery the action queued (one for a call,
   * one per target for a webhook sent to every subscription), in the order queued.
   */
  deliveryIds: string[];
  /** The first of `deliveryIds` (null when none): the only one runs recorded before there was a list. */
  deliveryId: string | null;
  /** script: what it logged and returned, and the calls it made. */
  script: { logs: { level: string; message: string }[]; returnValue: unknown; deliveries: string[] } | null;
  error: { code: string; message: string } | null;
}

/**
 * A stored rule run's `data` as a `RuleRun`. Runs recorded before `deliveryIds` existed carry
 * only `deliveryId`: their list is that one id, so readers need not tell the two shapes apart.
 */
export function ruleRunFrom(data: unknown): RuleRun {
  const run = data as Omit<RuleRun, "deliveryIds"> & { deliveryIds?: unknown };
  if (Array.isArray(run.deliveryIds)) return run as RuleRun;
  return { ...run, deliveryIds: run.deliveryId ? [run.deliveryId] : [] };
}
