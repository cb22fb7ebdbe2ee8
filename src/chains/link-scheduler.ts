/**
 * The scheduling of one chain run's links (SPEC §4): every link whose dependencies succeeded
 * starts, up to `max_concurrency`; a failed or skipped link skips its dependents; the run's
 * deadline and the caller's signal cut every in-flight link short. `runChain` makes the run and
 * records it; this class moves its links from `pending` to their end.
 */
import type { Clock } from "../core/clock.js";
import { MockForgeError } from "../core/errors.js";
import type { Random } from "../core/random.js";
import type { DeliveryEngine } from "../delivery/types.js";
import { ChainContext } from "./chain-context.js";
import type { ChainEvent, ChainRun, LinkRun } from "./chain-run.js";
import { createChainScriptRunner, type ChainScripts } from "./chain-script-runner.js";
import type { LinkScriptRunner } from "./link-script-runner.js";
import type { PreparedChain } from "./prepared-chain.js";
import type { RequestScope } from "./render-link-request.js";
import { runLink, type LinkEnd, type LinkRunEnv } from "./run-link.js";

type StopReason = "timeout" | "cancelled";

/** What the links of a run read from `runChain`'s options (`RunChainOptions` documents each). */
export interface SchedulerOptions {
  deliveries: DeliveryEngine;
  clock: Clock;
  random: Random;
  env: Record<string, string | undefined>;
  baseUrl: string;
  request?: RequestScope;
  traceDepth?: number;
  scripts?: ChainScripts | LinkScriptRunner;
  signal?: AbortSignal;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export class LinkScheduler {
  private readonly controller = new AbortController();
  private stopReason: StopReason | null = null;
  private wake = deferred();
  private readonly context: ChainContext;
  private firstRequest: RequestScope | null = null;
  private firstRequestSettled: boolean;
  private readonly scripts: LinkScriptRunner | null;
  private readonly byId: Map<string, LinkRun>;
  private readonly running = new Map<string, { draft: LinkRun; mono: number }>();

  constructor(
    private readonly prepared: PreparedChain,
    private readonly run: ChainRun,
    private readonly options: SchedulerOptions,
    /** Emits an event made only when someone listens. */
    private readonly emit: (make: () => ChainEvent) => void,
  ) {
    this.context = new ChainContext(prepared.links.map((l) => l.name));
    this.firstRequestSettled = options.request !== undefined;
    this.byId = new Map(run.links.map((l) => [l.id, l]));
    this.scripts = !options.scripts
      ? null
      : "runtime" in options.scripts
        ? createChainScriptRunner(options.scripts, { deliveries: options.deliveries, env: options.env, traceId: run.traceId, traceDepth: options.traceDepth ?? 0, baseUrl: options.baseUrl })
        : options.scripts;
  }

  /**
   * Runs every link to its end; true when the run was stopped (deadline or caller) first.
   *
   * The scheduling loop: a pass (repeated until nothing changes) skips what can no longer run and
   * starts what is ready; then the loop waits for an event: a link ends, the first request is
   * rendered, or the run stops. `wake` is renewed only after a pass, in the same synchronous
   * stretch as the await, so no event is missed; at most links + 2 events exist, which bounds it.
   * The loop stays inline: once the run stops, in-flight links are cut short (`timeout`) in the
   * same tick the loop wakes, before their own aborted sends end them as `cancelled`.
   */
  async runToEnd(): Promise<boolean> {
    const { clock, signal } = this.options;
    const timeoutMs = this.prepared.timeoutMs;
    const timer = timeoutMs !== null ? clock.setTimeout(() => this.stop("timeout"), timeoutMs) : undefined;
    const onCallerAbort = () => this.stop("cancelled");
    if (signal?.aborted) this.stop("cancelled");
    signal?.addEventListener("abort", onCallerAbort, { once: true });
    for (let events = 0; events <= this.prepared.links.length + 2; events++) {
      // Again while a pass changed something: a link skipped or started may make another ready or skipped.
      let changed = true;
      while (changed && !this.stopReason) changed = this.pass();
      if (this.running.size === 0 || this.stopReason) break;
      this.wake = deferred();
      await this.wake.promise;
    }
    clock.clearTimeout(timer);
    signal?.removeEventListener("abort", onCallerAbort);
    if (this.stopReason) this.cutShort(this.stopReason);
    for (const [i, link] of this.run.links.entries()) {
      // Unreachable when the graph is acyclic (validation guarantees it); kept so a run always ends.
      if (link.status === "pending") this.skip(i, "dependency_skipped", "not run: it never became ready");
    }
    return this.stopReason !== null;
  }

  /** One pass over the pending links; true when it skipped or started one. */
  private pass(): boolean {
    let changed = false;
    for (const [i, link] of this.prepared.links.entries()) {
      if (this.run.links[i]!.status !== "pending") continue;
      const deps = link.dependsOn.map((d) => this.byId.get(d)!);
      const blocker = deps.find((d) => d.status === "failed") ?? deps.find((d) => d.status === "skipped");
      if (blocker) {
        this.skip(i, blocker.status === "failed" ? "dependency_failed" : "dependency_skipped", `not run: '${blocker.id}' ${blocker.status === "failed" ? "failed" : "was skipped"}`);
        changed = true;
      } else if (deps.every((d) => d.status === "succeeded") && (!link.waitsForFirstRequest || this.firstRequestSettled) && this.running.size < this.prepared.maxConcurrency) {
        this.start(i);
        changed = true;
      }
    }
    return changed;
  }

  private stop(reason: StopReason): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    const id = this.prepared.id;
    this.controller.abort(new MockForgeError("MFG_ERR_CHAIN_TIMEOUT", reason === "timeout" ? `Chain '${id}' exceeded config.timeout_ms (${this.prepared.timeoutMs} ms)` : `Chain '${id}' run was cancelled`));
    this.wake.resolve();
  }

  /** The run stopped: in-flight links fail, pending ones are skipped, and the run says why. */
  private cutShort(reason: StopReason): void {
    const timeout = reason === "timeout";
    for (const [i, link] of this.run.links.entries()) {
      if (link.status === "running") {
        const entry = this.running.get(link.id);
        const message = timeout ? `cut short: the run exceeded ${this.prepared.timeoutMs} ms` : "cut short: the run was cancelled";
        this.finish(i, { status: "failed", reason: timeout ? "timeout" : "cancelled", error: { code: "MFG_ERR_CHAIN_TIMEOUT", message } }, entry?.draft ?? link, entry?.mono ?? null);
      } else if (link.status === "pending") {
        this.skip(i, timeout ? "run_timeout" : "run_cancelled", `not run: the run ${timeout ? "timed out" : "was cancelled"} first`);
      }
    }
    this.run.error = {
      code: "MFG_ERR_CHAIN_TIMEOUT",
      message: timeout ? `the run exceeded config.timeout_ms (${this.prepared.timeoutMs} ms); in-flight links were cancelled` : "the run was cancelled; in-flight links were cancelled",
    };
  }

  private settleFirstRequest(scope: RequestScope | null): void {
    if (this.firstRequestSettled) return;
    this.firstRequestSettled = true;
    this.firstRequest = scope;
    this.wake.resolve();
  }

  private linkEnv(index: number): LinkRunEnv {
    const { options, run } = this;
    const env: LinkRunEnv = {
      chain: this.prepared,
      context: this.context,
      variables: run.variables,
      requestScope: () => options.request ?? this.firstRequest ?? {},
      onRequestRendered: () => {},
      deliveries: options.deliveries,
      clock: options.clock,
      random: options.random,
      env: options.env,
      baseUrl: options.baseUrl,
      traceId: run.traceId,
      traceDepth: options.traceDepth ?? 0,
      scripts: this.scripts,
      signal: this.controller.signal,
    };
    if (index === 0) {
      env.onRequestRendered = (scope) => this.settleFirstRequest(scope);
      env.selfIsRequest = options.request === undefined;
    }
    return env;
  }

  private start(index: number): void {
    const { clock } = this.options;
    const link = this.prepared.links[index]!;
    const draft: LinkRun = { ...this.run.links[index]!, status: "running", startedAt: clock.now() };
    this.run.links[index] = draft;
    this.byId.set(link.id, draft);
    const mono = clock.monotonic();
    this.running.set(link.id, { draft, mono });
    this.emit(() => ({ type: "link_started", runId: this.run.id, chainId: this.run.chainId, linkId: link.id, at: draft.startedAt! }));
    runLink(link, draft, this.linkEnv(index)).then(
      (end) => this.finish(index, end, draft, mono),
      (e: unknown) => this.finish(index, { status: "failed", reason: "request_error", error: { code: "MFG_ERR_CHAIN_INVALID", message: String(e) } }, draft, mono),
    );
  }

  private finish(index: number, end: LinkEnd, draft: LinkRun | null, mono: number | null): void {
    const { run } = this;
    const link = run.links[index]!;
    if (link.status !== "pending" && link.status !== "running") return;
    const done: LinkRun = draft ? { ...draft, extracted: { ...draft.extracted }, scriptLogs: [...draft.scriptLogs], warnings: [...draft.warnings] } : link;
    done.status = end.status;
    done.reason = end.reason;
    if (end.error) done.error = end.error;
    done.durationMs = mono === null ? null : Math.round((this.options.clock.monotonic() - mono) * 1000) / 1000;
    run.links[index] = done;
    this.byId.set(done.id, done);
    this.running.delete(done.id);
    if (index === 0) this.settleFirstRequest(null);
    this.emit(() => ({ type: "link_finished", runId: run.id, chainId: run.chainId, link: structuredClone(done) }));
    this.wake.resolve();
  }

  private skip(index: number, reason: LinkEnd["reason"], why: string): void {
    this.run.links[index]!.warnings.push(why);
    this.finish(index, { status: "skipped", reason }, null, null);
  }
}
