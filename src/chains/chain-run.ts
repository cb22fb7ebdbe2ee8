/**
 * The record of one chain run (SPEC §4): every link's status, timing, request as sent,
 * response, extracted values and script logs. Stored as the `data` of a `RunRecord` of kind
 * `chain`, returned by `runChain`, shown by the admin API and the CLI. These are run records,
 * not config, so they are plain interfaces.
 */
import type { Headers } from "../storage/ports.js";

export type LinkStatus = "pending" | "running" | "succeeded" | "failed" | "skipped";

export type ChainRunStatus = "running" | "succeeded" | "partial" | "failed";

/**
 * Why a link ended as it did (null for a plain success).
 * skipped: `condition_false`, `dependency_skipped`, `dependency_failed`, `run_timeout`, `run_cancelled`;
 * failed: `http_status` (status not expected), `request_error` (no answer after retries),
 * `timeout` (per attempt or the run's deadline), `cancelled`, `script_error`, `render_error`.
 */
export type LinkReason =
  | "condition_false"
  | "dependency_skipped"
  | "dependency_failed"
  | "run_timeout"
  | "run_cancelled"
  | "http_status"
  | "request_error"
  | "timeout"
  | "cancelled"
  | "script_error"
  | "render_error";

/** The request as it was sent (templates rendered; signing headers are on the delivery's attempts). */
export interface LinkRequestRecord {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface LinkResponseRecord {
  status: number;
  headers: Headers;
  body: unknown;
}

/** One `console.*` line of a link's script. */
export interface ScriptLogRecord {
  script: "pre_script" | "post_script";
  level: string;
  message: string;
}

export interface LinkRun {
  id: string;
  /** The link's name in `chain.*` (`store_as`, else the id). */
  name: string;
  status: LinkStatus;
  reason: LinkReason | null;
  /** Epoch ms; null when the link never started. */
  startedAt: number | null;
  durationMs: number | null;
  /** HTTP attempts made (0 when skipped or refused before sending). */
  attempts: number;
  request: LinkRequestRecord | null;
  response: LinkResponseRecord | null;
  extracted: Record<string, unknown>;
  /** The delivery that carried the request; its attempts are inspectable in the delivery store. */
  deliveryId: string | null;
  scriptLogs: ScriptLogRecord[];
  /** Missing names in templates, extract paths that found nothing, a script error kept by `continue_on_script_error`. */
  warnings: string[];
  error: { code: string; message: string } | null;
}

export interface ChainRun {
  /** `run_…`. */
  id: string;
  chainId: string;
  chainName: string;
  status: ChainRunStatus;
  startedAt: number;
  finishedAt: number | null;
  durationMs: number | null;
  /** Trace id carried by every call of the run (`x-mockforge-trace`). */
  traceId: string;
  /** The variables the run used: the chain's, overridden by the caller's. */
  variables: Record<string, unknown>;
  /** Validation warnings (unknown `chain.*` names) and run-level notes. */
  warnings: string[];
  /** Why the whole run failed (its deadline, a cancel), null otherwise. */
  error: { code: string; message: string } | null;
  links: LinkRun[];
}

/** Live progress of a run, for CLI output and admin streaming. */
export type ChainEvent =
  | { type: "run_started"; run: ChainRun }
  | { type: "link_started"; runId: string; chainId: string; linkId: string; at: number }
  | { type: "link_finished"; runId: string; chainId: string; link: LinkRun }
  | { type: "run_finished"; run: ChainRun };
