/**
 * One worker thread of the pool and the run it is serving (one at a time, so a runaway script
 * only ever stalls its own worker). The slot bridges the run's outbound calls to the main
 * thread and is the last line of the time limit: a worker that has not answered by the
 * deadline plus a grace period is stuck in a long built-in call, and is terminated.
 */
import type { Worker } from "node:worker_threads";
import type { Clock, TimerHandle } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { ScriptRunJob } from "./script-run-job.js";
import { spawnScriptWorker } from "./spawn-script-worker.js";
import type { FromWorkerMessage, ToWorkerMessage } from "./worker-protocol.js";

export interface SlotEvents {
  /** The slot can take a run: it just started or finished one. */
  idle(slot: ScriptWorkerSlot): void;
  /** The worker is gone; `startupError` is set when it never became ready. */
  gone(slot: ScriptWorkerSlot, startupError: Error | null): void;
}

export class ScriptWorkerSlot {
  private readonly worker: Worker;
  private readonly cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  private ready = false;
  private exiting = false;
  private job: ScriptRunJob | null = null;
  private backstop: TimerHandle | undefined;
  private lastError: Error | null = null;
  readonly exited: Promise<void>;
  /** Resolves when the worker is ready; rejects when it exits before that. */
  readonly whenReady: Promise<void>;
  private markReady!: () => void;
  private markFailed!: (e: Error) => void;

  constructor(
    private readonly events: SlotEvents,
    private readonly clock: Clock,
    private readonly graceMs: number,
    private readonly logger: Logger,
  ) {
    this.whenReady = new Promise((resolve, reject) => {
      this.markReady = resolve;
      this.markFailed = reject;
    });
    // Callers that never wait for readiness must not see an unhandled rejection.
    this.whenReady.catch(() => {});
    // A starting or busy worker keeps the process alive (a CLI awaiting a run must not exit
    // under it); an idle one does not, so an idle pool never holds a process open.
    this.worker = spawnScriptWorker({ cancelFlag: this.cancelFlag.buffer as SharedArrayBuffer });
    this.worker.on("message", (m: FromWorkerMessage) => this.onMessage(m));
    this.worker.on("error", (e) => (this.lastError = e));
    this.exited = new Promise((resolve) => this.worker.once("exit", (code) => resolve(this.onExit(code))));
  }

  get isReady(): boolean {
    return this.ready && !this.exiting;
  }

  get available(): boolean {
    return this.isReady && this.job === null;
  }

  get isStarting(): boolean {
    return !this.ready && !this.exiting;
  }

  get busy(): boolean {
    return this.job !== null;
  }

  owns(job: ScriptRunJob): boolean {
    return this.job === job;
  }

  /** Runs `job` with `budgetMs` of its time limit left (the rest went waiting for a worker). */
  start(job: ScriptRunJob, budgetMs: number): void {
    this.job = job;
    Atomics.store(this.cancelFlag, 0, 0);
    this.worker.ref();
    const message = job.startMessage(budgetMs);
    this.post(message);
    this.armBackstop(message.budgetMs + this.graceMs, () => ({
      code: "MFG_ERR_SCRIPT_TIMEOUT",
      message: `exceeded its time limit of ${job.limits.timeout_ms} ms inside a long-running built-in call`,
      hint: "such as an operation on a huge string or array; its worker thread was stopped and replaced",
    }));
  }

  /** Stops the running job: at once if it is executing code (cancel flag), else at its next event. */
  cancel(job: ScriptRunJob): void {
    if (this.job !== job) return;
    Atomics.store(this.cancelFlag, 0, job.runId);
    this.post({ type: "cancel", runId: job.runId });
    this.armBackstop(this.graceMs, () => ({ code: "MFG_ERR_SCRIPT_STOPPED", message: "was cancelled by its caller", hint: "its worker thread did not respond and was stopped" }));
  }

  /** Terminates the worker; a job it was running ends with MFG_ERR_SCRIPT_STOPPED. */
  async terminate(): Promise<void> {
    this.exiting = true;
    this.clock.clearTimeout(this.backstop);
    this.job?.stopWith({ code: "MFG_ERR_SCRIPT_STOPPED", message: "was stopped because the script runtime closed" });
    this.job = null;
    await this.worker.terminate();
    await this.exited;
  }

  private armBackstop(ms: number, error: () => Parameters<ScriptRunJob["stopWith"]>[0]): void {
    this.clock.clearTimeout(this.backstop);
    const job = this.job;
    this.backstop = this.clock.setTimeout(() => {
      if (this.job !== job || !job) return;
      this.logger.warn({ runId: job.runId }, "script worker unresponsive past the deadline; terminating it");
      job.stopWith(error());
      this.job = null;
      this.exiting = true;
      void this.worker.terminate();
    }, ms);
  }

  private onMessage(m: FromWorkerMessage): void {
    switch (m.type) {
      case "ready":
        this.ready = true;
        this.markReady();
        this.worker.unref();
        if (!this.exiting) this.events.idle(this);
        return;
      case "http": {
        const job = this.job;
        if (!job || job.runId !== m.runId) return;
        void job.performHttp(m.callId, m.call, (reply) => {
          if (this.job === job && !this.exiting) this.post(reply);
        });
        return;
      }
      case "done": {
        const job = this.job;
        if (!job || job.runId !== m.runId) return;
        this.clock.clearTimeout(this.backstop);
        this.job = null;
        this.worker.unref();
        job.complete(m.outcome);
        if (m.retire) {
          this.exiting = true;
          void this.worker.terminate();
        } else if (!this.exiting) this.events.idle(this);
        return;
      }
      default: {
        const never: never = m;
        this.logger.error({ message: never }, "unknown message from a script worker");
      }
    }
  }

  private onExit(code: number): void {
    this.exiting = true;
    this.clock.clearTimeout(this.backstop);
    if (this.job) {
      const why = this.lastError ? `: ${this.lastError.message}` : "";
      this.job.stopWith({ code: "MFG_ERR_SCRIPT_RUNTIME", message: `stopped: its worker thread exited unexpectedly (exit code ${code}${why})` });
      this.job = null;
    }
    const startupError = this.ready ? null : (this.lastError ?? new Error(`script worker exited with code ${code} before it was ready`));
    if (startupError) this.markFailed(startupError);
    this.events.gone(this, startupError);
  }

  private post(m: ToWorkerMessage): void {
    this.worker.postMessage(m);
  }
}
