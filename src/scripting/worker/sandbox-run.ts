/**
 * One script run inside a worker, in a fresh QuickJS runtime and context (nothing survives
 * from one run to the next). The run is event driven: evaluate, pump QuickJS jobs, then wait
 * for host events (an outbound call's answer, a timer, the deadline), pumping after each, until
 * the body has settled and nothing it started is still pending.
 */
import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle, QuickJSRuntime } from "quickjs-emscripten";
import type { Clock, TimerHandle } from "../../core/clock.js";
import { CLEANUP_EXTRA_BYTES, CLEANUP_MS, MAX_LOG_LINE_CHARS, MIN_CEILING_MARGIN_BYTES, SANDBOX_STACK_BYTES } from "../script-limits.js";
import type { ScriptHttpCall, ScriptLogLine } from "../script-types.js";
import type { HttpReplyMessage, RunMessage, RunOutcome, SandboxError } from "../worker-protocol.js";
import { SCRIPT_FILE, wrapScript } from "../wrap-script.js";
import { classifyError, hostFailure, type StopReason } from "./classify-error.js";
import type { SandboxModule } from "./load-sandbox-module.js";
import { LogBuffer } from "./log-buffer.js";
import { MemoryGuard } from "./memory-guard.js";
import { SandboxApi, type SandboxBindings } from "./sandbox-api.js";
import { release, SandboxTimers, type SandboxTimer } from "./sandbox-timers.js";

export interface SandboxRunHooks {
  sendHttp(runId: number, callId: number, call: ScriptHttpCall): void;
  /** `retire`: the QuickJS instance may be damaged; the worker should be replaced. */
  done(runId: number, outcome: RunOutcome, retire: boolean): void;
  /** True when the main thread has flagged this run as cancelled (checked while code runs). */
  cancelRequested(runId: number): boolean;
}

interface PendingCall {
  deferred: QuickJSDeferredPromise;
  /** Error made at the call's line; becomes the rejection when the call fails. */
  site: QuickJSHandle;
}

export class SandboxRun implements SandboxBindings {
  private readonly rt: QuickJSRuntime;
  private readonly ctx: QuickJSContext;
  private readonly logs: LogBuffer;
  private readonly memory: MemoryGuard;
  private readonly limitBytes: number;
  private readonly ceiling: number;
  private readonly deadline: number;
  private readonly deadlineTimer: TimerHandle;
  private readonly pendingHttp = new Map<number, PendingCall>();
  private readonly timers: SandboxTimers;
  private api: SandboxApi | null = null;
  private stop: StopReason = null;
  private cleanupUntil: number | null = null;
  private httpCount = 0;
  private nextCallId = 1;
  private body: QuickJSHandle | null = null;
  private returned: QuickJSHandle | null = null;
  private finished = false;
  private readonly refusalsAtStart: number;

  constructor(
    private readonly module: SandboxModule,
    private readonly msg: RunMessage,
    private readonly hooks: SandboxRunHooks,
    private readonly clock: Clock,
  ) {
    const start = clock.monotonic();
    // The budget, not timeout_ms: time the run waited for a worker counts toward its limit.
    this.deadline = start + msg.budgetMs;
    this.logs = new LogBuffer(msg.limits.max_log_lines, MAX_LOG_LINE_CHARS, () => msg.startedAt + (clock.monotonic() - start));
    this.limitBytes = msg.limits.memory_mb * 1024 * 1024;
    this.ceiling = module.freshBytes + this.limitBytes + Math.max(MIN_CEILING_MARGIN_BYTES, this.limitBytes / 4);
    module.setCeiling(this.ceiling);
    this.refusalsAtStart = module.refusals();
    this.rt = module.quickjs.newRuntime();
    // Refuses single allocations over the limit; MemoryGuard and the ceiling bound the total.
    this.rt.setMemoryLimit(this.limitBytes);
    this.rt.setMaxStackSize(SANDBOX_STACK_BYTES);
    this.rt.setInterruptHandler(() => this.shouldInterrupt());
    this.ctx = this.rt.newContext();
    this.memory = new MemoryGuard(this.rt, this.ctx, this.limitBytes, module.wasmBytes, () => clock.monotonic());
    this.timers = new SandboxTimers(clock, msg.budgetMs + 1, (t) => this.fireTimer(t));
    this.deadlineTimer = clock.setTimeout(() => this.onDeadline(), msg.budgetMs);
  }

  /** Installs the API, compiles and starts the script. */
  start(): void {
    this.guard(() => {
      this.api = new SandboxApi(this.ctx, this.msg.chainContext, this.msg.scope, this);
      const fn = this.ctx.evalCode(wrapScript(this.msg.code), SCRIPT_FILE);
      if (fn.error) return this.finish(this.errorFrom(fn.error, true));
      const called = this.ctx.callFunction(fn.value, this.ctx.undefined);
      fn.value.dispose();
      if (called.error) return this.finish(this.errorFrom(called.error));
      this.body = called.value;
      this.settle();
    });
  }

  /** The answer to an outbound call; resolves or rejects the script's promise. */
  httpReply(reply: HttpReplyMessage): void {
    const pending = this.pendingHttp.get(reply.callId);
    if (!pending || this.finished) return;
    this.pendingHttp.delete(reply.callId);
    this.guard(() => {
      const { deferred, site } = pending;
      if (reply.ok) {
        const value = this.api!.json.parse(reply.response);
        deferred.resolve(value);
        value.dispose();
        site.dispose();
      } else {
        this.rejectWithSite(deferred, site, reply.error.message, reply.error.code);
      }
      deferred.dispose();
      this.settle();
    });
  }

  /** The caller cancelled the run while it was waiting (running code sees the cancel flag). */
  cancel(): void {
    if (this.finished) return;
    this.stop = "cancel";
    this.finish(classifyError(undefined, this.classifyContext(false)));
  }

  // --- SandboxBindings ----------------------------------------------------------------

  log(level: ScriptLogLine["level"], text: string): void {
    this.logs.add(level, text);
  }

  logFull(): boolean {
    return this.logs.full;
  }

  http(call: ScriptHttpCall, site: QuickJSHandle): QuickJSHandle {
    const deferred = this.ctx.newPromise();
    if (this.httpCount >= this.msg.limits.max_http_calls) {
      const message = `mockforge.http: ${call.method} ${call.url} refused: a run may make ${this.msg.limits.max_http_calls} calls (max_http_calls)`;
      this.logs.add("warn", message);
      this.rejectWithSite(deferred, site, message, "MFG_ERR_SCRIPT_LIMIT");
      return deferred.handle;
    }
    this.httpCount++;
    const callId = this.nextCallId++;
    this.pendingHttp.set(callId, { deferred, site });
    this.hooks.sendHttp(this.msg.runId, callId, call);
    return deferred.handle;
  }

  setTimer(fn: QuickJSHandle, args: QuickJSHandle[], ms: number): number {
    return this.timers.set(fn, args, ms);
  }

  clearTimer(id: number): void {
    this.timers.clear(id);
  }

  // --- the run's life -----------------------------------------------------------------

  private rejectWithSite(deferred: QuickJSDeferredPromise, site: QuickJSHandle, message: string, code: string): void {
    const m = this.ctx.newString(message);
    const c = this.ctx.newString(code);
    this.ctx.setProp(site, "message", m);
    this.ctx.setProp(site, "code", c);
    m.dispose();
    c.dispose();
    deferred.reject(site);
    site.dispose();
  }

  private fireTimer(t: SandboxTimer): void {
    if (this.finished) return release(t);
    this.guard(() => {
      const r = this.ctx.callFunction(t.fn, this.ctx.undefined, ...t.args);
      release(t);
      // An uncaught error in a timer callback ends the run, as it would end a Node process.
      if (r.error) return this.finish(this.errorFrom(r.error));
      r.value.dispose();
      this.settle();
    });
  }

  private onDeadline(): void {
    if (this.finished) return;
    if (this.returned) {
      // The body finished; only promises it left running are pending. SPEC §6 awaits them
      // until the deadline, no longer: the run succeeds, and says what it left behind.
      const calls = this.pendingHttp.size;
      const timers = this.timers.size;
      this.logs.add("warn", `the time limit of ${this.msg.limits.timeout_ms} ms passed with ${calls} mockforge.http call(s) and ${timers} timer(s) still pending: the script ended without them`);
      return this.finish(null);
    }
    this.stop = "timeout";
    this.finish(classifyError(undefined, this.classifyContext(false)));
  }

  /** Runs queued promise jobs, then decides whether the run is over. */
  private settle(): void {
    if (this.finished) return;
    const jobs = this.rt.executePendingJobs();
    if (jobs.error) return this.finish(this.errorFrom(jobs.error));
    const state = this.ctx.getPromiseState(this.body!);
    if (state.type === "rejected") return this.finish(this.errorFrom(state.error));
    const waiting = this.pendingHttp.size + this.timers.size;
    if (state.type === "fulfilled") {
      if (this.returned) state.value.dispose();
      else this.returned = state.value;
      // Promises the script left running are awaited until they settle or the deadline.
      if (waiting === 0) this.finish(null);
      return;
    }
    if (waiting === 0) {
      this.finish({ code: "MFG_ERR_SCRIPT_RUNTIME", message: "the script awaits a promise that nothing will ever settle (no call or timer is pending)" });
    }
  }

  /** Reads the state back, frees the runtime and reports. Runs once. */
  private finish(error: SandboxError | null): void {
    if (this.finished) return;
    this.finished = true;
    this.clock.clearTimeout(this.deadlineTimer);
    this.enterCleanup();
    let state: RunOutcome["state"] = null;
    let retire = false;
    try {
      if (this.api) {
        const collected = this.api.collect(this.returned);
        state = collected.state;
        if (collected.problem) error ??= { code: "MFG_ERR_SCRIPT_RUNTIME", message: collected.problem };
      }
      this.dispose();
    } catch {
      // The QuickJS instance is in an unknown state: report what we have and replace the worker.
      retire = true;
    }
    this.hooks.done(this.msg.runId, { error, logs: this.logs.lines, logsDropped: this.logs.dropped, state }, retire);
  }

  private dispose(): void {
    for (const p of this.pendingHttp.values()) {
      p.deferred.dispose();
      p.site.dispose();
    }
    this.pendingHttp.clear();
    this.timers.dispose();
    this.body?.dispose();
    this.returned?.dispose();
    this.api?.dispose();
    this.ctx.dispose();
    this.rt.dispose();
  }

  /** After the script is stopped: a short extra budget so reading the state back can finish. */
  private enterCleanup(): void {
    if (this.cleanupUntil !== null) return;
    this.cleanupUntil = this.clock.monotonic() + CLEANUP_MS;
    this.rt.setMemoryLimit(this.limitBytes + CLEANUP_EXTRA_BYTES);
    this.module.setCeiling(this.ceiling + CLEANUP_EXTRA_BYTES);
  }

  private shouldInterrupt(): boolean {
    const now = this.clock.monotonic();
    if (this.cleanupUntil !== null) return now > this.cleanupUntil;
    if (now > this.deadline) this.stop = "timeout";
    else if (this.hooks.cancelRequested(this.msg.runId)) this.stop = "cancel";
    else if (this.memory.exceeded(now)) this.stop = "memory";
    return this.stop !== null;
  }

  private errorFrom(handle: QuickJSHandle, compiling = false): SandboxError {
    this.enterCleanup();
    let dumped: unknown;
    try {
      dumped = this.ctx.dump(handle);
    } finally {
      handle.dispose();
    }
    return classifyError(dumped, this.classifyContext(compiling));
  }

  private classifyContext(compiling: boolean) {
    return { code: this.msg.code, limits: this.msg.limits, stop: this.stop, compiling, ceilingHit: this.module.refusals() > this.refusalsAtStart };
  }

  /**
   * Host-level failures (the native stack overflowing inside QuickJS, a WASM abort) leave the
   * instance unusable: report the run as failed and retire the worker without touching it.
   */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (this.finished) throw e;
      this.finished = true;
      this.clock.clearTimeout(this.deadlineTimer);
      this.timers.stopAll();
      this.hooks.done(this.msg.runId, { error: hostFailure(e), logs: this.logs.lines, logsDropped: this.logs.dropped, state: null }, true);
    }
  }
}
