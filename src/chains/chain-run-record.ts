/** Building and storing `ChainRun` records. */
import type { RunRecord } from "../storage/ports.js";
import type { ChainRun, ChainRunStatus, LinkRun } from "./chain-run.js";

/** A link that has not started. */
export function newLinkRun(id: string, name: string): LinkRun {
  return {
    id,
    name,
    status: "pending",
    reason: null,
    startedAt: null,
    durationMs: null,
    attempts: 0,
    request: null,
    response: null,
    extracted: {},
    deliveryId: null,
    scriptLogs: [],
    warnings: [],
    error: null,
  };
}

/**
 * `succeeded` when no link failed (skips by condition are fine), `partial` when some failed and
 * some succeeded, `failed` when nothing succeeded or the run was stopped (deadline, cancel).
 *
 * @example
 * chainRunStatus([{ status: "succeeded" }, { status: "failed" }] as LinkRun[], false) // "partial"
 */
export function chainRunStatus(links: readonly Pick<LinkRun, "status">[], stopped: boolean): ChainRunStatus {
  if (stopped) return "failed";
  const failed = links.some((l) => l.status === "failed");
  if (!failed) return "succeeded";
  return links.some((l) => l.status === "succeeded") ? "partial" : "failed";
}

/** The run as the run store keeps it (kind `chain`, the chain id as `refId`). */
export function toRunRecord(run: ChainRun): RunRecord {
  return {
    id: run.id,
    kind: "chain",
    refId: run.chainId,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    data: structuredClone(run),
  };
}

/** Reads a stored chain run back (the `data` of a chain `RunRecord`). */
export function fromRunRecord(record: RunRecord): ChainRun {
  return record.data as ChainRun;
}
