/**
 * The record of one scenario run: each step with its faults, request and hooks (fired or
 * skipped, with the condition's value, each action's outcome), the deliveries made, logs and
 * warnings. Stored as the `data` of a `RunRecord` of kind `scenario`; run records, not config,
 * so plain interfaces.
 */
import type { FaultConfig } from "../config/schema/chaos.js";
import type { ContextLog, HookResult } from "./hook-result.js";

export type ScenarioRunStatus = "running" | "succeeded" | "failed" | "stopped";

export interface StepRequestReport {
  method: string;
  url: string;
  /** 0 when no answer came (connection refused, timeout). */
  status: number;
  ok: boolean;
  deliveryId: string | null;
  durationMs: number;
  extracted: Record<string, unknown>;
  error: { code: string; message: string } | null;
}

export interface StepReport {
  name: string;
  /** `running` while it runs; `stopped` when the run was stopped during it. */
  status: "running" | "succeeded" | "failed" | "stopped";
  startedAt: number;
  finishedAt: number | null;
  /** The step's `chaos_config` as applied to the server, null when it has none (or it injects nothing). */
  faults: FaultConfig | null;
  /** How long the faults were live, ms (0 when none were applied). */
  faultWindowMs: number;
  request: StepRequestReport | null;
  /** Pre-step hooks (scenario-level then the step's), then post-step hooks (the step's then scenario-level). */
  hooks: HookResult[];
}

export interface ScenarioReport {
  /** `run_…`, the id `GET /__mockforge/scenarios/runs/<id>` takes. */
  id: string;
  scenario: string;
  status: ScenarioRunStatus;
  startedAt: number;
  finishedAt: number | null;
  durationMs: number | null;
  /** Trace id carried by the run's calls (`x-mockforge-trace`), so rules do not loop on them. */
  traceId: string;
  /** Variables at the end of the run (run values over the scenario's defaults, plus what steps set). */
  variables: Record<string, unknown>;
  /** `pre_orchestration` and `post_orchestration` hooks. */
  hooks: HookResult[];
  steps: StepReport[];
  /** Every delivery the run made: step requests and queued hook calls. */
  deliveries: string[];
  logs: ContextLog[];
  warnings: string[];
  /** Why the run stopped or broke, null when it ran to its end. */
  error: { code: string; message: string } | null;
}
