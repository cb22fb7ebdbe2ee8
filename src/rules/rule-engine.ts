/**
 * Consistency rules at run time (SPEC §7). `evaluate` is called for every served response, so
 * it is built for the no-match case: the rules left for a request's method, path and status
 * are looked up (`rule-index.ts`; `mayMatch` lets the engine skip building the exchange when
 * there are none), conditions are closures compiled at load that read the engine's exchange as
 * it is (`fast-condition.ts`), and nothing is allocated unless a rule matches. A match runs its
 * action later (a microtask after `evaluate` returns), so it never delays or changes the
 * response; every firing is recorded as a rule run.
 *
 * Loop guard: a rule whose chain is already running in the request's trace is suppressed, as is
 * any rule for a request deeper in its trace than `maxTraceDepth`.
 */
import type { ConsistencyRuleConfig, RuleActionConfig } from "../config/schema/rules.js";
import { webhooksConfigSchema } from "../config/schema/webhooks.js";
import { describeError, MockForgeError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import type { TraceContext } from "../delivery/index.js";
import { compileRulesOrThrow, type CompiledRule } from "./compile-rules.js";
import { RULE_ACTIONS, type RuleActionInput } from "./rule-actions.js";
import { buildRuleIndex } from "./rule-index.js";
import { ExchangeInput, type ServedExchange } from "./rule-scope.js";
import type { RuleRun } from "./rule-run.js";
import type { RuleEngineOptions, RuleServices } from "./rule-services.js";
import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { RunStore } from "../storage/ports.js";

export interface RuleStats {
  name: string;
  matched: number;
  succeeded: number;
  failed: number;
  suppressed: number;
  /** Conditions that threw while evaluated (counted as no match). */
  conditionErrors: number;
  lastError: string | null;
}

export interface RuleEngine {
  /** Number of rules. */
  readonly size: number;
  /**
   * False when no rule can match an answer with `status` (0: dropped) to `method` and `path`,
   * whatever else the exchange holds: the engine then builds no exchange for the rules. A map
   * lookup once the kind of request has been seen.
   */
  mayMatch(method: string, path: string, status: number): boolean;
  /**
   * Checks every rule against a served exchange; returns the names that matched (a shared empty
   * array when none). With `stored`, each matched `http_request`/`webhook`/`trigger_webhook` action adds a promise
   * that resolves once its delivery and its run are stored, and rejects when storage failed:
   * what the answer waits for under `webhooks.persist: before_response`.
   */
  evaluate(exchange: ServedExchange, stored?: Promise<void>[]): readonly string[];
  /** Resolves when no rule action is running, or after `timeoutMs`; true when all finished. */
  drain(timeoutMs: number): Promise<boolean>;
  stats(): RuleStats[];
  /** Cancels running actions (chain runs, scripts) and waits for them, bounded by `timeoutMs`. */
  close(timeoutMs?: number): Promise<void>;
}

const NO_MATCH: readonly string[] = Object.freeze([]);

/**
 * Compiles the rules (throws MFG_ERR_RULE_INVALID listing every bad one) and returns the engine.
 *
 * @example
 * const rules = createRuleEngine(config.intelligent_behavior.behavior_model.consistency_rules, { deliveries, chains, runs, clock, random, logger, env });
 * // after each response has been sent:
 * rules.evaluate(exchange); // engine/exchange.ts: { request, params, response, trace, … }
 */
export function createRuleEngine(configs: readonly ConsistencyRuleConfig[], services: RuleServices, options: RuleEngineOptions = {}): RuleEngine {
  const { clock, random, logger } = services;
  // Strict (a missing root name is an error), no warn callback: a body without the field a rule
  // tests is normal traffic, not something to log on every request.
  const rules = compileRulesOrThrow(configs, { clock, random, strict: true });
  const index = buildRuleIndex(rules);
  // Without a config, the config's own default (`webhooks.max_trace_depth`).
  const maxDepth = options.maxTraceDepth ?? webhooksConfigSchema.parse({}).max_trace_depth;
  const stats: RuleStats[] = rules.map((r) => ({ name: r.name, matched: 0, succeeded: 0, failed: 0, suppressed: 0, conditionErrors: 0, lastError: null }));
  const inflight = new Set<Promise<void>>();
  const chainsInTrace = new ChainsInTrace();
  const stopController = new AbortController();
  const store = runRecorder(services.runs);

  const input = new ExchangeInput();

  function fire(rule: CompiledRule, exchange: ServedExchange, stored?: Promise<void>[]): void {
    stats[rule.index]!.matched++;
    const ran = Promise.resolve().then(() => execute(rule, exchange));
    const p: Promise<void> = ran
      .then(
        () => undefined,
        (e: unknown) => logger.error({ rule: rule.name, err: describeError(e) }, `rule '${rule.name}' could not be recorded`),
      )
      .finally(() => inflight.delete(p));
    inflight.add(p);
    if (stored && queuesOnly(rule)) stored.push(storageFailureOf(rule, ran));
  }

  async function execute(rule: CompiledRule, exchange: ServedExchange): Promise<RuleRun> {
    const startedAt = clock.now();
    const started = clock.monotonic();
    const trace = exchange.trace;
    const run = newRuleRun(rule, exchange, trace, newId("run", startedAt, random), startedAt);
    const guardKey = rule.action.type === "execute_chain" ? `${trace.traceId} ${rule.action.chain_id}` : null;
    if (trace.depth > maxDepth) suppress(run, `suppressed: trace depth ${trace.depth} is over the limit of ${maxDepth}`);
    else if (guardKey && chainsInTrace.has(guardKey)) suppress(run, `suppressed: chain '${run.chainId}' is already running in this trace`);
    else await chainsInTrace.during(guardKey, () => runAction(run, { rule, action: rule.action, exchange, trace, services, env: { clock, random }, signal: stopController.signal }, store));
    run.finishedAt = clock.now();
    run.durationMs = clock.monotonic() - started;
    countOutcome(stats[rule.index]!, run, logger);
    await store(run);
    return run;
  }

  const drain = (timeoutMs: number) => drainAll(inflight, clock, timeoutMs);
  return {
    size: rules.length,
    mayMatch: (method, path, status) => index.candidates(method, path, status).length > 0,
    evaluate(exchange, stored) {
      const candidates = index.candidates(exchange.request.method, exchange.request.path, exchange.response.status);
      if (candidates.length === 0) return NO_MATCH;
      let matched: string[] | null = null;
      input.set(exchange);
      for (const rule of candidates) {
        let ok: boolean;
        try {
          ok = rule.test(input);
        } catch (e) {
          conditionError(stats[rule.index]!, rule, e, logger);
          continue;
        }
        if (!ok) continue;
        (matched ??= []).push(rule.name);
        fire(rule, exchange, stored);
      }
      input.set(null);
      return matched ?? NO_MATCH;
    },
    drain,
    stats: () => stats.map((s) => ({ ...s })),
    async close(timeoutMs = 5000) {
      stopController.abort(new Error("rule engine closed"));
      await drain(timeoutMs);
    },
  };
}

/** Actions that only queue deliveries: stored before the answer; chains and scripts run after it. */
function queuesOnly(rule: CompiledRule): boolean {
  return rule.action.type === "http_request" || rule.action.type === "webhook" || rule.action.type === "trigger_webhook";
}

/** Rejects (so the answer becomes a 503) when the run could not store what its action queued. */
function storageFailureOf(rule: CompiledRule, ran: Promise<RuleRun>): Promise<void> {
  return ran.then((run) => {
    if (run.error?.code.startsWith("MFG_ERR_STORAGE")) throw new MockForgeError("MFG_ERR_STORAGE", `rule '${rule.name}': ${run.error.message}`);
  });
}

/** A run as it starts: what triggered it, nothing done yet. */
function newRuleRun(rule: CompiledRule, exchange: ServedExchange, trace: TraceContext, id: string, startedAt: number): RuleRun {
  const action = rule.action;
  return {
    id,
    rule: rule.name,
    action: action.type,
    status: "running",
    reason: null,
    startedAt,
    finishedAt: null,
    durationMs: null,
    trigger: { requestId: exchange.request.id, method: exchange.request.method, path: exchange.request.path, status: exchange.response.status, traceId: trace.traceId, traceDepth: trace.depth },
    chainId: action.type === "execute_chain" ? action.chain_id : null,
    chainRunId: null,
    chainStatus: null,
    deliveryIds: [],
    deliveryId: null,
    script: null,
    error: null,
  };
}

function suppress(run: RuleRun, reason: string): void {
  run.status = "suppressed";
  run.reason = reason;
}

/** Runs the rule's action and writes its outcome on the run; a chain or script run is stored as running first (it takes a while). */
async function runAction(run: RuleRun, input: RuleActionInput<RuleActionConfig>, store: (run: RuleRun) => Promise<void>): Promise<void> {
  try {
    if (input.action.type === "execute_chain" || input.action.type === "script") await store(run);
    const exec = RULE_ACTIONS[input.action.type] as (input: RuleActionInput<RuleActionConfig>) => ReturnType<(typeof RULE_ACTIONS)["webhook"]>;
    const { failed, ...effect } = await exec(input);
    Object.assign(run, effect);
    run.status = failed ? "failed" : "succeeded";
    if (failed) run.reason = run.error?.message ?? "the action failed";
  } catch (e) {
    run.status = "failed";
    run.error = describeError(e);
    run.reason = run.error.message;
  }
}

/** The loop guard's count of chain runs going on per `<traceId> <chainId>`. */
class ChainsInTrace {
  private readonly running = new Map<string, number>();

  has(key: string): boolean {
    return this.running.has(key);
  }

  /** Runs `work` counted under `key` (null: not counted). */
  async during(key: string | null, work: () => Promise<void>): Promise<void> {
    if (!key) return work();
    this.running.set(key, (this.running.get(key) ?? 0) + 1);
    try {
      await work();
    } finally {
      const n = this.running.get(key)! - 1;
      if (n > 0) this.running.set(key, n);
      else this.running.delete(key);
    }
  }
}

function countOutcome(s: RuleStats, run: RuleRun, logger: Logger): void {
  if (run.status === "succeeded") s.succeeded++;
  else if (run.status === "failed") {
    s.failed++;
    s.lastError = run.reason;
    logger.warn({ rule: run.rule, run: run.id, reason: run.reason }, `rule '${run.rule}' failed`);
  } else s.suppressed++;
}

function conditionError(s: RuleStats, rule: CompiledRule, e: unknown, logger: Logger): void {
  s.conditionErrors++;
  const message = describeError(e).message;
  if (s.lastError !== message) logger.warn({ rule: rule.name, err: message }, `rule '${rule.name}': condition could not be evaluated; treated as no match`);
  s.lastError = message;
}

/** Stores a run (kind `rule`) when there is a run store (which keeps the newest `journal.max_runs`: storage/retention.ts). */
function runRecorder(runs: RunStore | undefined): (run: RuleRun) => Promise<void> {
  return async (run) => {
    if (!runs) return;
    await runs.put({ id: run.id, kind: "rule", refId: run.rule, status: run.status, startedAt: run.startedAt, finishedAt: run.finishedAt, data: { ...run } });
  };
}

/** Resolves when no rule action is in flight (true), or after `timeoutMs` (false). */
async function drainAll(inflight: Set<Promise<void>>, clock: Clock, timeoutMs: number): Promise<boolean> {
  const deadline = clock.monotonic() + timeoutMs;
  while (inflight.size > 0) {
    const left = deadline - clock.monotonic();
    if (left <= 0) return false;
    let timer: ReturnType<typeof clock.setTimeout> | undefined;
    const timeout = new Promise<void>((r) => (timer = clock.setTimeout(r, left)));
    await Promise.race([Promise.allSettled([...inflight]), timeout]);
    clock.clearTimeout(timer);
  }
  return true;
}
