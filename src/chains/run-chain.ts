/**
 * The chain executor (SPEC §4): links form a DAG; every link whose dependencies have all
 * succeeded starts at once, up to `max_concurrency`; a skipped or failed link skips its
 * dependents while independent branches go on. Calls go through the delivery engine (awaited
 * mode), so retries and attempt records are the same code as every other outbound call. The run
 * is recorded in the run store when it starts and when it ends.
 */
import type { ChainConfig } from "../config/schema/chains.js";
import type { Clock } from "../core/clock.js";
import { MockForgeError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import type { Logger } from "../core/logger.js";
import type { Random } from "../core/random.js";
import type { DeliveryEngine } from "../delivery/types.js";
import type { RunStore } from "../storage/ports.js";
import type { ChainEvent, ChainRun } from "./chain-run.js";
import { chainRunStatus, newLinkRun, toRunRecord } from "./chain-run-record.js";
import type { ChainScripts } from "./chain-script-runner.js";
import { LinkScheduler } from "./link-scheduler.js";
import type { LinkScriptRunner } from "./link-script-runner.js";
import type { PreparedChain } from "./prepared-chain.js";
import type { RequestScope } from "./render-link-request.js";
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
  refuseScriptsWithoutRuntime(prepared, options);
  const { clock } = options;
  const log = options.logger.child({ chain: prepared.id });
  const emit = eventEmitter(options.onEvent, log);
  const startedMono = clock.monotonic();
  const run = newChainRun(prepared, options);
  await options.runs.put(toRunRecord(run));
  emit(() => ({ type: "run_started", run: structuredClone(run) }));

  const stopped = await new LinkScheduler(prepared, run, options, emit).runToEnd();

  run.status = chainRunStatus(run.links, stopped);
  run.finishedAt = clock.now();
  run.durationMs = Math.round((clock.monotonic() - startedMono) * 1000) / 1000;
  try {
    // The store keeps the newest `journal.max_runs` chain runs (storage/retention.ts).
    await options.runs.put(toRunRecord(run));
  } catch (e) {
    log.error({ err: e, runId: run.id }, "could not record the end of a chain run");
    run.warnings.push(`the run's end could not be recorded: ${(e as Error).message}`);
  }
  emit(() => ({ type: "run_finished", run: structuredClone(run) }));
  return run;
}

function refuseScriptsWithoutRuntime(prepared: PreparedChain, options: RunChainOptions): void {
  if (!prepared.hasScripts || options.scripts) return;
  const withScripts = prepared.links.filter((l) => l.config.scripting?.pre_script !== undefined || l.config.scripting?.post_script !== undefined).map((l) => l.id);
  throw new MockForgeError("MFG_ERR_CHAIN_INVALID", `Chain '${prepared.id}' has scripts (links ${withScripts.join(", ")}) but no script runtime was given, so it cannot run`, {
    chainId: prepared.id,
    hint: "Run it through the server or CLI (which provide the scripting sandbox), or pass `scripts` to runChain.",
  });
}

/** Events carry copies (listeners may keep them), made only when someone listens; a listener that throws is logged. */
function eventEmitter(onEvent: RunChainOptions["onEvent"], log: Logger): (make: () => ChainEvent) => void {
  return (make) => {
    if (!onEvent) return;
    const event = make();
    try {
      onEvent(event);
    } catch (e) {
      log.warn({ err: e, event: event.type }, "chain event listener threw");
    }
  };
}

function newChainRun(prepared: PreparedChain, options: RunChainOptions): ChainRun {
  const { clock, random } = options;
  return {
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
}
