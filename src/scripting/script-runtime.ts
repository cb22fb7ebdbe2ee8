/**
 * The script runtime (SPEC §6): a pool of worker threads, each running one sandboxed script at
 * a time in a fresh QuickJS context. Runs wait in a bounded queue when every worker is busy;
 * the wait counts toward their time limit, and one group (a route, a chain, a rule) holds at
 * most `maxPoolShare` of the workers, so runaway scripts of one route cannot stall the others
 * (fair-queue.ts; issue 15, item 9).
 * Workers start on demand (an app without scripts starts none) and are replaced when one is
 * stopped (runaway built-in call), crashes or retires.
 */
import { availableParallelism } from "node:os";
import type { Clock } from "../core/clock.js";
import { MockForgeError } from "../core/errors.js";
import { silentLogger, type Logger } from "../core/logger.js";
import { FairQueue } from "./fair-queue.js";
import { DEFAULT_MAX_POOL_SHARE, resolveLimits } from "./script-limits.js";
import { ScriptRunJob } from "./script-run-job.js";
import type { ScriptHttp, ScriptInput, ScriptLimits, ScriptResult, ScriptRunOptions } from "./script-types.js";
import { ScriptWorkerSlot, type SlotEvents } from "./script-worker-slot.js";

export interface ScriptRuntimeOptions {
  clock: Clock;
  /** Worker threads; default: the CPUs this process may use (`availableParallelism()`), the one place this default lives. */
  poolSize?: number;
  /** Limits for runs that do not set their own (unset fields: SPEC defaults). */
  defaults?: Partial<ScriptLimits>;
  logger?: Logger;
  /** Runs allowed to wait for a worker; more end at once with MFG_ERR_SCRIPT_LIMIT. Default 1000. */
  maxQueue?: number;
  /** How long past a run's deadline an unresponsive worker is given before it is terminated. Default 50 ms. */
  terminateGraceMs?: number;
  /** Share of the workers one group's runs may hold at once (at least one worker). Default 0.5. */
  maxPoolShare?: number;
}

export interface ScriptRuntimeStats {
  workers: number;
  busy: number;
  queued: number;
}

/**
 * Runs scripts in the sandbox. `run` never rejects because of what a script did: faults come
 * back as `result.error` with a code, the script's line and the label.
 *
 * @example
 * const scripts = new ScriptRuntime({ clock: systemClock, poolSize: 2 });
 * const result = await scripts.run(
 *   { code: 'mockforge.chain_context.set("seen", true)', label: "route POST /orders" },
 *   (call) => delivery.send(call), // the host performs outbound calls
 * );
 * result.chainContext.seen; // true
 * await scripts.close();
 */
export class ScriptRuntime {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly poolSize: number;
  private readonly defaults: Partial<ScriptLimits>;
  private readonly maxQueue: number;
  private readonly graceMs: number;
  private readonly slots = new Set<ScriptWorkerSlot>();
  private readonly queue: FairQueue;
  private readonly events: SlotEvents;
  private nextRunId = 1;
  private closed = false;
  /** Since when every worker of the pool is up; null while one is starting (start-up is not counted as waiting). */
  private warmSince: number | null = null;

  constructor(opts: ScriptRuntimeOptions) {
    this.clock = opts.clock;
    this.logger = opts.logger ?? silentLogger;
    this.poolSize = Math.max(1, opts.poolSize ?? availableParallelism());
    this.defaults = opts.defaults ?? {};
    this.maxQueue = opts.maxQueue ?? 1000;
    this.graceMs = opts.terminateGraceMs ?? 50;
    this.queue = new FairQueue(Math.max(1, Math.floor(this.poolSize * (opts.maxPoolShare ?? DEFAULT_MAX_POOL_SHARE))));
    this.events = { idle: () => this.onIdle(), gone: (slot, err) => this.onGone(slot, err) };
  }

  /** Runs a script. Resolves when it has finished, failed, timed out or been cancelled. */
  run(input: ScriptInput, http: ScriptHttp, options: ScriptRunOptions = {}): Promise<ScriptResult> {
    if (this.closed) {
      return Promise.reject(new MockForgeError("MFG_ERR_SCRIPT_STOPPED", `Script ${input.label} was not run: the script runtime is closed`));
    }
    const job = new ScriptRunJob(this.nextRunId++, input, http, resolveLimits(this.defaults, input.limits), this.clock);
    if (job.done) return job.result;
    const { signal } = options;
    if (signal?.aborted) {
      job.stopWith({ code: "MFG_ERR_SCRIPT_STOPPED", message: "was cancelled by its caller before it started" });
      return job.result;
    }
    if (this.queue.length >= this.maxQueue) {
      job.stopWith({ code: "MFG_ERR_SCRIPT_LIMIT", message: `${this.maxQueue} scripts are already waiting for a worker (raise scripting.pool_size, or make scripts faster)` });
      return job.result;
    }
    if (signal) {
      const onAbort = () => this.cancel(job);
      signal.addEventListener("abort", onAbort, { once: true });
      void job.result.then(() => signal.removeEventListener("abort", onAbort));
    }
    const gone = options.gone;
    if (gone) {
      const onGone = () => {
        if (this.queue.remove(job)) job.stopWith({ code: "MFG_ERR_SCRIPT_STOPPED", message: "was dropped before it started: its caller went away" });
      };
      if (gone.aborted) onGone();
      else {
        gone.addEventListener("abort", onGone, { once: true });
        void job.result.then(() => gone.removeEventListener("abort", onGone));
      }
      if (job.done) return job.result;
    }
    this.queue.push(job);
    this.armQueueTimer(job);
    this.pump();
    return job.result;
  }

  /** Starts every worker now and resolves when they are ready (first runs then skip the start-up). */
  async warmUp(): Promise<void> {
    while (this.slots.size < this.poolSize) this.spawn();
    await Promise.all([...this.slots].map((s) => s.whenReady));
  }

  stats(): ScriptRuntimeStats {
    let busy = 0;
    for (const s of this.slots) if (s.busy) busy++;
    return { workers: this.slots.size, busy, queued: this.queue.length };
  }

  /** Stops every worker; queued and running scripts end with MFG_ERR_SCRIPT_STOPPED. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.queue.drain()) job.stopWith({ code: "MFG_ERR_SCRIPT_STOPPED", message: "was not run: the script runtime closed" });
    await Promise.all([...this.slots].map((s) => s.terminate()));
    this.slots.clear();
  }

  private cancel(job: ScriptRunJob): void {
    if (this.queue.remove(job)) {
      job.stopWith({ code: "MFG_ERR_SCRIPT_STOPPED", message: "was cancelled by its caller before it started" });
      return;
    }
    for (const s of this.slots) if (s.owns(job)) s.cancel(job);
  }

  /** Hands queued runs to free workers (fair-queue.ts decides which), and starts workers (up to the pool size) for the rest. */
  private pump(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.available) continue;
      let job = this.queue.next();
      // A run whose whole time limit passed waiting ends here (its timer may not have fired yet).
      while (job && job.budgetMs(this.warmSince) <= 0) {
        job.timeOutQueued();
        job = this.queue.next();
      }
      if (!job) break;
      this.queue.started(job);
      slot.start(job, job.budgetMs(this.warmSince));
    }
    let starting = 0;
    for (const s of this.slots) if (s.isStarting) starting++;
    let missing = Math.min(this.poolSize - this.slots.size, this.queue.length - starting);
    while (missing-- > 0) this.spawn();
  }

  /** Ends a waiting run once its time limit passed waiting behind other runs; while the pool is still starting, checks again later. */
  private armQueueTimer(job: ScriptRunJob): void {
    job.armQueueTimer(job.budgetMs(this.warmSince), () => {
      if (job.budgetMs(this.warmSince) > 0) return this.armQueueTimer(job);
      if (this.queue.remove(job)) job.timeOutQueued();
    });
  }

  private onIdle(): void {
    if (this.warmSince === null && this.slots.size === this.poolSize && [...this.slots].every((s) => s.isReady)) this.warmSince = this.clock.monotonic();
    this.pump();
  }

  private spawn(): void {
    this.warmSince = null;
    this.slots.add(new ScriptWorkerSlot(this.events, this.clock, this.graceMs, this.logger));
  }

  private onGone(slot: ScriptWorkerSlot, startupError: Error | null): void {
    this.slots.delete(slot);
    this.warmSince = null;
    if (this.closed) return;
    if (!startupError) return this.pump();
    // A worker that cannot start would fail again: no respawn loop. Queued runs fail only when
    // no other worker is left to serve them; the next run() tries to start workers afresh.
    this.logger.error({ err: startupError.message }, "script worker failed to start");
    if (this.slots.size > 0) return;
    for (const job of this.queue.drain()) {
      job.stopWith({ code: "MFG_ERR_SCRIPT_RUNTIME", message: `could not run: the script worker failed to start (${startupError.message})` });
    }
  }
}
