/**
 * What running a hook produced: whether it fired (and the value its condition had), each
 * action's outcome with the delivery or chain run it made, and the lines its `log` actions wrote. Run records, not config: plain
 * interfaces, kept in scenario reports and returned by `Hook.execute`.
 */
import type { HookActionType, HookTypeName } from "../config/schema/chaos.js";

/** `fired`: ran; `skipped`: its condition was false (or the run was stopped first); `failed`: it threw or was refused. */
export type ActionStatus = "fired" | "skipped" | "failed";

export interface ActionOutcome {
  /** Position in the hook's `actions`. */
  index: number;
  type: HookActionType;
  status: ActionStatus;
  /** The value of the action's own condition, null when it has none. */
  condition: boolean | null;
  /** `http_request`: the queued delivery. */
  deliveryId?: string;
  /** `execute_chain`: the run and how it ended. */
  chainRunId?: string;
  chainStatus?: string;
  /** One line on what was done (`POST https://…/orders`, `order_status = "completed"`). */
  detail?: string;
  error: { code: string; message: string } | null;
  durationMs: number;
}

export interface HookResult {
  name: string;
  hookType: HookTypeName;
  /** The step it ran around, null for orchestration-level hooks and direct `execute` calls. */
  step: string | null;
  /** `skipped` when its condition was false; `failed` when any action failed. */
  status: ActionStatus;
  /** The value of the hook's condition, null when it has none. */
  condition: boolean | null;
  actions: ActionOutcome[];
  /** Missing variables and names met while deciding and rendering. */
  warnings: string[];
  /** Epoch ms. */
  startedAt: number;
  durationMs: number;
}

/** A line a hook's `log` action wrote, kept in the context and the scenario report. */
export interface ContextLog {
  /** Epoch ms. */
  time: number;
  level: "debug" | "info" | "warn" | "error";
  message: string;
  /** The hook that logged it. */
  hook: string;
}
