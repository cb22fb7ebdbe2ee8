/**
 * Messages between the main thread and a script worker. Values that cross the sandbox
 * boundary travel as JSON text: the main thread checks they are JSON while encoding them, and
 * the sandbox turns text into objects with one `JSON.parse` call.
 */
import type { EnvRecord } from "../core/env-access.js";
import type { ScriptErrorCode, ScriptHttpCall, ScriptLimits, ScriptLogLine } from "./script-types.js";

/** What `mockforge.request/response/variables/env` start from (sent as JSON text). */
export interface SandboxScope {
  request: unknown;
  response: unknown;
  variables: Record<string, unknown>;
  /** An env view is encoded as it reads at that moment; a name unset since is left out. */
  env: EnvRecord;
}

/** What the sandbox hands back, each part as JSON text; null when absent or unreadable. */
export interface SandboxStateText {
  chainContext: string;
  variables: string | null;
  response: string | null;
  returnValue: string | null;
}

/** The worker's view of a failure; the main thread adds the label to the message. */
export interface SandboxError {
  code: ScriptErrorCode;
  /** "TypeError: cannot read property 'id' of undefined" */
  message: string;
  /** What to do about it: "look for a loop that never ends" (the key that raises a limit is added by the host, which knows it). */
  hint?: string;
  line?: number;
  column?: number;
}

export interface RunMessage {
  type: "run";
  runId: number;
  code: string;
  /** JSON text of the chain context (kept on the worker's side of the sandbox). */
  chainContext: string;
  /** JSON text of a SandboxScope. */
  scope: string;
  limits: ScriptLimits;
  /** Wall time the run has left: `limits.timeout_ms` less the time it waited for a worker. */
  budgetMs: number;
  /** Host clock (epoch ms) when the run started; log times are this plus elapsed time. */
  startedAt: number;
}

export type HttpReplyMessage =
  | { type: "http-reply"; runId: number; callId: number; ok: true; /** JSON of {status, headers, body} */ response: string }
  | { type: "http-reply"; runId: number; callId: number; ok: false; error: { message: string; code: string } };

/** Ends a run early (the caller cancelled it); the cancel flag stops running code too. */
export interface CancelMessage {
  type: "cancel";
  runId: number;
}

export type ToWorkerMessage = RunMessage | HttpReplyMessage | CancelMessage;

export interface RunOutcome {
  error: SandboxError | null;
  logs: ScriptLogLine[];
  logsDropped: number;
  /** Null when the sandbox could not be read back (the inputs are returned unchanged). */
  state: SandboxStateText | null;
}

export type FromWorkerMessage =
  | { type: "ready" }
  | { type: "http"; runId: number; callId: number; call: ScriptHttpCall }
  /** `retire`: the worker's QuickJS instance may be damaged or bloated; replace the worker. */
  | { type: "done"; runId: number; outcome: RunOutcome; retire: boolean };

/** Data the worker starts with. */
export interface ScriptWorkerData {
  /** Int32Array[1]: the main thread stores a run id here to interrupt that run at once. */
  cancelFlag: SharedArrayBuffer;
}
