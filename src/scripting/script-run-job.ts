/**
 * The main thread's side of one run: its limits and input, the outbound calls it makes through
 * the host's `http` function, and the promise the caller awaits. It settles exactly once,
 * from the worker's report or from the pool (worker stopped, run cancelled, runtime closed).
 */
import type { Clock, TimerHandle } from "../core/clock.js";
import { describeError } from "../core/errors.js";
import { buildScriptResult } from "./build-script-result.js";
import type { ScriptHttp, ScriptHttpCall, ScriptHttpCallRecord, ScriptInput, ScriptLimits, ScriptResult } from "./script-types.js";
import type { HttpReplyMessage, RunMessage, RunOutcome, SandboxError, SandboxScope } from "./worker-protocol.js";

export class ScriptRunJob {
  readonly result: Promise<ScriptResult>;
  private resolve!: (r: ScriptResult) => void;
  private readonly calls: ScriptHttpCallRecord[] = [];
  /** Aborted when the run fails or is stopped, for calls still in flight. */
  private readonly ended = new AbortController();
  private chainContextJson = "{}";
  private scopeJson = "{}";
  private startedAt: number | null = null;
  private settled = false;
  /** Monotonic ms when the caller asked: time spent waiting for a worker counts toward `timeout_ms`. */
  private readonly submittedAt: number;
  private queueTimer: TimerHandle | undefined;
  private readonly settledHooks: (() => void)[] = [];
  /** See `ScriptInput.group`; null: not capped. */
  readonly group: string | null;

  constructor(
    readonly runId: number,
    private readonly input: ScriptInput,
    private readonly http: ScriptHttp,
    readonly limits: ScriptLimits,
    private readonly clock: Clock,
  ) {
    this.result = new Promise((resolve) => (this.resolve = resolve));
    this.submittedAt = clock.monotonic();
    this.group = input.group ?? null;
    const scope: SandboxScope = { request: input.request ?? null, response: input.response, variables: input.variables ?? {}, env: input.env ?? {} };
    try {
      // Encoding also checks that everything entering the sandbox is JSON.
      this.chainContextJson = JSON.stringify(input.chainContext ?? {});
      this.scopeJson = JSON.stringify(scope);
    } catch (e) {
      this.stopWith({ code: "MFG_ERR_SCRIPT_RUNTIME", message: `its input (chain context, variables, request or response) is not JSON: ${describeError(e).message}` });
    }
  }

  get done(): boolean {
    return this.settled;
  }

  /**
   * Wall time left of `timeout_ms`, the wait for a worker taken off. `warmSince`: since when
   * every worker of the pool was up (null: still starting); a worker's start-up is not
   * counted as waiting, only the time the run waited behind other runs.
   */
  budgetMs(warmSince: number | null): number {
    const now = this.clock.monotonic();
    const from = warmSince === null ? now : Math.max(this.submittedAt, warmSince);
    return this.limits.timeout_ms - (now - from);
  }

  /** While queued: calls `check` after `ms` (the pool decides whether the run timed out or waits on). */
  armQueueTimer(ms: number, check: () => void): void {
    this.clock.clearTimeout(this.queueTimer);
    this.queueTimer = this.clock.setTimeout(check, Math.max(0, ms));
  }

  /** Its time limit passed before a worker was free. */
  timeOutQueued(): void {
    this.stopWith({
      code: "MFG_ERR_SCRIPT_TIMEOUT",
      message: `waited ${Math.round(this.clock.monotonic() - this.submittedAt)} ms for a free script worker and reached its time limit of ${this.limits.timeout_ms} ms before it started (time spent waiting counts)`,
      hint: "other scripts held every worker: raise scripting.pool_size, or look for scripts that run until their time limit",
    });
  }

  /** Called synchronously when the run settles, however it ends. */
  onSettled(fn: () => void): void {
    if (this.settled) fn();
    else this.settledHooks.push(fn);
  }

  /** The message that starts the run in a worker with `budgetMs` left; marks the start of `durationMs`. */
  startMessage(budgetMs: number): RunMessage {
    this.startedAt = this.clock.monotonic();
    this.clock.clearTimeout(this.queueTimer);
    return {
      type: "run",
      runId: this.runId,
      code: this.input.code,
      chainContext: this.chainContextJson,
      scope: this.scopeJson,
      limits: this.limits,
      budgetMs: Math.max(1, Math.round(budgetMs)),
      startedAt: this.clock.now(),
    };
  }

  /** Performs a call the script made and posts the answer back (unless the run ended meanwhile). */
  async performHttp(callId: number, call: ScriptHttpCall, reply: (m: HttpReplyMessage) => void): Promise<void> {
    const rec: ScriptHttpCallRecord = { method: call.method, url: call.url, status: null, error: null, deliveryId: null };
    this.calls.push(rec);
    let message: HttpReplyMessage;
    try {
      const res = await this.http(call, { signal: this.ended.signal });
      rec.status = res.status;
      rec.deliveryId = res.deliveryId ?? null;
      const response = JSON.stringify({ status: res.status, headers: res.headers, body: res.body });
      message = { type: "http-reply", runId: this.runId, callId, ok: true, response };
    } catch (e) {
      const d = describeError(e);
      rec.error = `${d.code}: ${d.message}`;
      message = { type: "http-reply", runId: this.runId, callId, ok: false, error: d };
    }
    if (!this.settled) reply(message);
  }

  /** The worker's report. */
  complete(outcome: RunOutcome): void {
    this.settle(outcome.error, outcome.logs, outcome.logsDropped, outcome.state);
  }

  /** Ends the run without a report from the sandbox: the inputs come back unchanged. */
  stopWith(error: SandboxError): void {
    this.settle(error, [], 0, null);
  }

  private settle(error: SandboxError | null, logs: RunOutcome["logs"], logsDropped: number, state: RunOutcome["state"]): void {
    if (this.settled) return;
    this.settled = true;
    this.clock.clearTimeout(this.queueTimer);
    for (const fn of this.settledHooks.splice(0)) fn();
    // A failed or stopped run cancels its calls still in flight; a successful run whose
    // fire-and-forget calls outlived its deadline leaves them to finish (the delivery records them).
    if (error) this.ended.abort();
    // Snapshot: a call answered after the end must not change the result already handed out.
    for (const c of this.calls) if (c.status === null && c.error === null) c.error = "still in flight when the script ended";
    const durationMs = this.startedAt === null ? 0 : this.clock.monotonic() - this.startedAt;
    this.resolve(buildScriptResult(this.input, { error, logs, logsDropped, state, httpCalls: this.calls.map((c) => ({ ...c })), durationMs }));
  }
}
