/**
 * The chain executor (SPEC §4): links form a DAG; every link whose dependencies have all
 * succeeded starts at once, up to `max_concurrency`; a skipped or failed link skips its
 * dependents while independent branches go on. Calls go through the delivery engine (awaited
 * mode), so retries and attempt records are the same code as every other outbound call. The run
 * is recorded in the run store when it starts and when it ends.
 */
import type { ChainConfig } from "../config/schema/chains.js";
import { journalConfigSchema } from "../config/schema/storage.js";
import type { Clock } from "../core/clock.js";
import { MockForgeError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import type { Logger } from "../core/logger.js";
import type { Random } from "../core/random.js";
import type { DeliveryEngine } from "../delivery/types.js";
import type { RunStore } from "../storage/ports.js";
import { ChainContext } from "./chain-context.js";
import type { ChainEvent, ChainRun, LinkRun } from "./chain-run.js";
import { chainRunStatus, newLinkRun, toRunRecord } from "./chain-run-record.js";
import { createChainScriptRunner, type ChainScripts } from "./chain-script-runner.js";
import type { LinkScriptRunner } from "./link-script-runner.js";
import type { PreparedChain } from "./prepared-chain.js";
import type { RequestScope } from "./render-link-request.js";
import { runLink, type LinkEnd, type LinkRunEnv } from "./run-link.js";
import { prepareChain } from "./validate-chain.js";

export interface RunChainOptions {
  deliveries: DeliveryEngine;
  runs: RunStore;
  clock: Clock;
  random: Random;
  logger: Logger;
  /** Environment visible to templates as `env.*`. */
  env: Record<string, string | undefined>;
  /** `{{base_url}}`: the server under test. */
  baseUrl: string;
  /** Override the chain's `variables`. */
  variables?: Record<string, unknown>;
  /** The request that triggered the chain (`request.*`); without it the first link's request as sent. */
  request?: RequestScope;
  /** Trace of the cause (a served request, a rule); a new trace is started when absent. */
  traceId?: string | null;
  traceDepth?: number;
  /**
   * Runs `pre_script`/`post_script`: the sandbox runtime and the env names scripts may read (or
   * a ready `LinkScriptRunner`). A chain with scripts is refused without it.
   */
  scripts?: ChainScripts | LinkScriptRunner;
  /** Live progress. Exceptions thrown by the listener are logged and ignored. */
  onEvent?: (event: ChainEvent) => void;
  /** Cancels the run: in-flight links fail with `cancelled`, the rest are skipped. */
  signal?: AbortSignal;
  /** Chain runs kept in the run store (older ones are pruned after each run). Default: `journal.max_runs`'s. */
  keepRuns?: number;
}


/** Without a config, the config's own default (`journal.max_runs`). */
const DEFAULT_KEEP_RUNS = journalConfigSchema.parse({}).max_runs;

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Runs a chain to the end and returns its record. Throws (before sending anything) when the
 * chain is invalid, or has scripts and no script runtime was given.
 *
 * @example
 * const run = await runChain(chain, { deliveries, runs: storage.runs, clock, random, logger, env: envAccess.file, baseUrl: "http://127.0.0.1:3000" });
 * run.status // "succeeded" | "partial" | "failed"
 */
export async function runChain(chain: ChainConfig | PreparedChain, options: RunChainOptions): Promise<ChainRun> {
  const prepared = "hasScripts" in chain ? chain : prepareChain(chain);
  if (prepared.hasScripts && !options.scripts) {
    const withScripts = prepared.links.filter((l) => l.config.scripting?.pre_script !== undefined || l.config.scripting?.post_script !== undefined).map((l) => l.id);
    throw new MockForgeError("MFG_ERR_CHAIN_INVALID", `Chain '${prepared.id}' has scripts (links ${withScripts.join(", ")}) but no script runtime was given, so it cannot run`, {
      chainId: prepared.id,
      hint: "Run it through the server or CLI (which provide the scripting sandbox), or pass `scripts` to runChain.",
    });
  }
  const { clock, random, logger } = options;
  const log = logger.child({ chain: prepared.id });
  // Events carry copies (listeners may keep them); made only when someone listens.
  const emit = (make: () => ChainEvent) => {
    if (!options.onEvent) return;
    const event = make();
    try {
      options.onEvent(event);
    } catch (e) {
      log.warn({ err: e, event: event.type }, "chain event listener threw");
    }
  };

  const startedMono = clock.monotonic();
  const run: ChainRun = {
    id: newId("run", clock.now(), random),
    chainId: prepared.id,
    chainName: prepared.name,
    status: "running",
    startedAt: clock.now(),
    finishedAt: null,
    durationMs: null,
    traceId: options.traceId ?? newId("trc", clock.now(), random),
    variables: { ...(prepared.config.variables ?? {}), ...(options.variables ?? {}) },
    warnings: [...prepared.warnings],
    error: null,
    links: prepared.links.map((l) => newLinkRun(l.id, l.name)),
  };
  await options.runs.put(toRunRecord(run));
  emit(() => ({ type: "run_started", run: structuredClone(run) }));

  // Cancellation: the run's deadline and the caller's signal both abort every in-flight link.
  const controller = new AbortController();
  let stopReason: "timeout" | "cancelled" | null = null;
  let wake = deferred();
  const stop = (reason: "timeout" | "cancelled") => {
    if (stopReason) return;
    stopReason = reason;
    controller.abort(new MockForgeError("MFG_ERR_CHAIN_TIMEOUT", reason === "timeout" ? `Chain '${prepared.id}' exceeded config.timeout_ms (${prepared.timeoutMs} ms)` : `Chain '${prepared.id}' run was cancelled`));
    wake.resolve();
  };
  const timer = prepared.timeoutMs !== null ? clock.setTimeout(() => stop("timeout"), prepared.timeoutMs) : undefined;
  const onCallerAbort = () => stop("cancelled");
  if (options.signal?.aborted) stop("cancelled");
  options.signal?.addEventListener("abort", onCallerAbort, { once: true });

  const context = new ChainContext(prepared.links.map((l) => l.name));
  let firstRequest: RequestScope | null = null;
  let firstRequestSettled = options.request !== undefined;
  const settleFirstRequest = (scope: RequestScope | null) => {
    if (firstRequestSettled) return;
    firstRequestSettled = true;
    firstRequest = scope;
    wake.resolve();
  };

  const scripts: LinkScriptRunner | null = !options.scripts
    ? null
    : "runtime" in options.scripts
      ? createChainScriptRunner(options.scripts, { deliveries: options.deliveries, env: options.env, traceId: run.traceId, traceDepth: options.traceDepth ?? 0, baseUrl: options.baseUrl })
      : options.scripts;
  const byId = new Map(run.links.map((l) => [l.id, l]));
  const running = new Map<string, { draft: LinkRun; mono: number }>();

  const linkEnv = (): LinkRunEnv => ({
    chain: prepared,
    context,
    variables: run.variables,
    requestScope: () => options.request ?? firstRequest ?? {},
    onRequestRendered: () => {},
    deliveries: options.deliveries,
    clock,
    random,
    env: options.env,
    baseUrl: options.baseUrl,
    traceId: run.traceId,
    traceDepth: options.traceDepth ?? 0,
    scripts,
    signal: controller.signal,
  });

  const finish = (index: number, end: LinkEnd, draft: LinkRun | null, mono: number | null) => {
    const link = run.links[index]!;
    if (link.status !== "pending" && link.status !== "running") return;
    const done: LinkRun = draft ? { ...draft, extracted: { ...draft.extracted }, scriptLogs: [...draft.scriptLogs], warnings: [...draft.warnings] } : link;
    done.status = end.status;
    done.reason = end.reason;
    if (end.error) done.error = end.error;
    done.durationMs = mono === null ? null : Math.round((clock.monotonic() - mono) * 1000) / 1000;
    run.links[index] = done;
    byId.set(done.id, done);
    running.delete(done.id);
    if (index === 0) settleFirstRequest(null);
    emit(() => ({ type: "link_finished", runId: run.id, chainId: run.chainId, link: structuredClone(done) }));
    wake.resolve();
  };

  const skip = (index: number, reason: LinkEnd["reason"], why: string) => {
    run.links[index]!.warnings.push(why);
    finish(index, { status: "skipped", reason }, null, null);
  };

  const start = (index: number) => {
    const link = prepared.links[index]!;
    const draft: LinkRun = { ...run.links[index]!, status: "running", startedAt: clock.now() };
    run.links[index] = draft;
    byId.set(link.id, draft);
    const mono = clock.monotonic();
    running.set(link.id, { draft, mono });
    emit(() => ({ type: "link_started", runId: run.id, chainId: run.chainId, linkId: link.id, at: draft.startedAt! }));
    const env = linkEnv();
    if (index === 0) {
      env.onRequestRendered = (scope) => settleFirstRequest(scope);
      env.selfIsRequest = options.request === undefined;
    }
    runLink(link, draft, env).then(
      (end) => finish(index, end, draft, mono),
      (e: unknown) => finish(index, { status: "failed", reason: "request_error", error: { code: "MFG_ERR_CHAIN_INVALID", message: String(e) } }, draft, mono),
    );
  };

  // The scheduling loop. A pass (repeated until nothing changes) skips what can no longer run and
  // starts what is ready; then the loop waits for an event: a link ends, the first request is
  // rendered, or the run stops. `wake` is renewed only after a pass, in the same synchronous
  // stretch as the await, so no event is missed; at most links + 2 events exist, which bounds it.
  for (let events = 0; events <= prepared.links.length + 2; events++) {
    let changed = true;
    while (changed && !stopReason) {
      changed = false;
      for (const [i, link] of prepared.links.entries()) {
        if (run.links[i]!.status !== "pending") continue;
        const deps = link.dependsOn.map((d) => byId.get(d)!);
        const blocker = deps.find((d) => d.status === "failed") ?? deps.find((d) => d.status === "skipped");
        if (blocker) {
          skip(i, blocker.status === "failed" ? "dependency_failed" : "dependency_skipped", `not run: '${blocker.id}' ${blocker.status === "failed" ? "failed" : "was skipped"}`);
          changed = true;
        } else if (deps.every((d) => d.status === "succeeded") && (!link.waitsForFirstRequest || firstRequestSettled) && running.size < prepared.maxConcurrency) {
          start(i);
          changed = true;
        }
      }
    }
    if (running.size === 0 || stopReason) break;
    wake = deferred();
    await wake.promise;
  }

  clock.clearTimeout(timer);
  options.signal?.removeEventListener("abort", onCallerAbort);
  if (stopReason) {
    const reason = stopReason;
    for (const [i, link] of run.links.entries()) {
      if (link.status === "running") {
        const entry = running.get(link.id);
        finish(i, { status: "failed", reason: reason === "timeout" ? "timeout" : "cancelled", error: { code: "MFG_ERR_CHAIN_TIMEOUT", message: reason === "timeout" ? `cut short: the run exceeded ${prepared.timeoutMs} ms` : "cut short: the run was cancelled" } }, entry?.draft ?? link, entry?.mono ?? null);
      } else if (link.status === "pending") {
        skip(i, reason === "timeout" ? "run_timeout" : "run_cancelled", `not run: the run ${reason === "timeout" ? "timed out" : "was cancelled"} first`);
      }
    }
    run.error = { code: "MFG_ERR_CHAIN_TIMEOUT", message: reason === "timeout" ? `the run exceeded config.timeout_ms (${prepared.timeoutMs} ms); in-flight links were cancelled` : "the run was cancelled; in-flight links were cancelled" };
  }
  for (const [i, link] of run.links.entries()) {
    // Unreachable when the graph is acyclic (validation guarantees it); kept so a run always ends.
    if (link.status === "pending") skip(i, "dependency_skipped", "not run: it never became ready");
  }

  run.status = chainRunStatus(run.links, stopReason !== null);
  run.finishedAt = clock.now();
  run.durationMs = Math.round((clock.monotonic() - startedMono) * 1000) / 1000;
  try {
    await options.runs.put(toRunRecord(run));
    await options.runs.prune("chain", options.keepRuns ?? DEFAULT_KEEP_RUNS);
  } catch (e) {
    log.error({ err: e, runId: run.id }, "could not record the end of a chain run");
    run.warnings.push(`the run's end could not be recorded: ${(e as Error).message}`);
  }
  emit(() => ({ type: "run_finished", run: structuredClone(run) }));
  return run;
}
