/**
 * Consistency rules at run time (SPEC §7). `evaluate` is called after every served response,
 * so it is built for the no-match case: conditions are compiled to closures at load
 * (`fast-condition.ts`), and nothing is allocated unless a rule matches. A match runs its action later (a microtask after `evaluate` returns),
 * so it never delays or changes the response; every firing is recorded as a rule run.
 *
 * Loop guard: a rule whose chain is already running in the request's trace is suppressed, as is
 * any rule for a request deeper in its trace than `maxTraceDepth`.
 */
import type { ConsistencyRuleConfig, RuleActionConfig } from "../config/schema/rules.js";
import { journalConfigSchema } from "../config/schema/storage.js";
import { webhooksConfigSchema } from "../config/schema/webhooks.js";
import { describeError, MockForgeError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import { compileRulesOrThrow, type CompiledRule } from "./compile-rules.js";
import { RULE_ACTIONS, type RuleActionInput } from "./rule-actions.js";
import type { RuleExchange } from "./rule-exchange.js";
import { buildRuleIndex } from "./rule-index.js";
import type { RuleRun } from "./rule-run.js";
import type { RuleEngineOptions, RuleServices } from "./rule-services.js";

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
   * Checks every rule against a served exchange; returns the names that matched (a shared empty
   * array when none). With `stored`, each matched `http_request`/`webhook`/`trigger_webhook` action adds a promise
   * that resolves once its delivery and its run are stored, and rejects when storage failed:
   * what the answer waits for under `webhooks.persist: before_response`.
   */
  evaluate(exchange: RuleExchange, stored?: Promise<void>[]): readonly string[];
  /** Resolves when no rule action is running, or after `timeoutMs`; true when all finished. */
  drain(timeoutMs: number): Promise<boolean>;
  stats(): RuleStats[];
  /** Cancels running actions (chain runs, scripts) and waits for them, bounded by `timeoutMs`. */
  close(timeoutMs?: number): Promise<void>;
}

const NO_MATCH: readonly string[] = Object.freeze([]);
const PRUNE_EVERY = 100;

/**
 * Compiles the rules (throws MFG_ERR_RULE_INVALID listing every bad one) and returns the engine.
 *
 * @example
 * const rules = createRuleEngine(config.intelligent_behavior.behavior_model.consistency_rules, { deliveries, chains, runs, clock, random, logger, env });
 * // after each response has been sent:
 * rules.evaluate({ method: "POST", path: "/api/orders", status: 201, headers, query, params, body, response, trace });
 */
export function createRuleEngine(configs: readonly ConsistencyRuleConfig[], services: RuleServices, options: RuleEngineOptions = {}): RuleEngine {
  const { clock, random, logger } = services;
  // Strict (a missing root name is an error), no warn callback: a body without the field a rule
  // tests is normal traffic, not something to log on every request.
  const rules = compileRulesOrThrow(configs, { clock, random, strict: true });
  const index = buildRuleIndex(rules);
  // Without a config, the config's own defaults (`webhooks.max_trace_depth`, `journal.max_runs`).
  const maxDepth = options.maxTraceDepth ?? webhooksConfigSchema.parse({}).max_trace_depth;
  const keepRuns = options.keepRuns ?? journalConfigSchema.parse({}).max_runs;
  const stats: RuleStats[] = rules.map((r) => ({ name: r.name, matched: 0, succeeded: 0, failed: 0, suppressed: 0, conditionErrors: 0, lastError: null }));
  const inflight = new Set<Promise<void>>();
  /** `<traceId> <chainId>` → how many runs of that chain are going in that trace. */
  const runningChains = new Map<string, number>();
  const stopController = new AbortController();
  let stored = 0;

  function conditionError(rule: CompiledRule, position: number, e: unknown): void {
    const s = stats[position]!;
    s.conditionErrors++;
    const message = describeError(e).message;
    if (s.lastError !== message) logger.warn({ rule: rule.name, err: message }, `rule '${rule.name}': condition could not be evaluated; treated as no match`);
    s.lastError = message;
  }

  function fire(rule: CompiledRule, position: number, exchange: RuleExchange, stored?: Promise<void>[]): void {
    stats[position]!.matched++;
    const ran = Promise.resolve().then(() => execute(rule, position, exchange));
    const p: Promise<void> = ran
      .then(
        () => undefined,
        (e: unknown) => logger.error({ rule: rule.name, err: describeError(e) }, `rule '${rule.name}' could not be recorded`),
      )
      .finally(() => inflight.delete(p));
    inflight.add(p);
    // Actions that only queue deliveries are stored before the answer; chains and scripts run after it.
    if (stored && (rule.action.type === "http_request" || rule.action.type === "webhook" || rule.action.type === "trigger_webhook")) {
      stored.push(
        ran.then((run) => {
          if (run.error?.code.startsWith("MFG_ERR_STORAGE")) throw new MockForgeError("MFG_ERR_STORAGE", `rule '${rule.name}': ${run.error.message}`);
        }),
      );
    }
  }

  async function execute(rule: CompiledRule, position: number, exchange: RuleExchange): Promise<RuleRun> {
    const startedAt = clock.now();
    const started = clock.monotonic();
    const trace = exchange.trace ?? { traceId: newId("trc", startedAt, random), depth: 0 };
    const action = rule.action;
    const run: RuleRun = {
      id: newId("run", startedAt, random),
      rule: rule.name,
      action: action.type,
      status: "running",
      reason: null,
      startedAt,
      finishedAt: null,
      durationMs: null,
      trigger: { requestId: exchange.requestId ?? null, method: exchange.method, path: exchange.path, status: exchange.status, traceId: trace.traceId, traceDepth: trace.depth },
      chainId: action.type === "execute_chain" ? action.chain_id : null,
      chainRunId: null,
      chainStatus: null,
      deliveryIds: [],
      deliveryId: null,
      script: null,
      error: null,
    };
    const guardKey = action.type === "execute_chain" ? `${trace.traceId} ${action.chain_id}` : null;
    if (trace.depth > maxDepth) {
      run.status = "suppressed";
      run.reason = `suppressed: trace depth ${trace.depth} is over the limit of ${maxDepth}`;
    } else if (guardKey && runningChains.has(guardKey)) {
      run.status = "suppressed";
      run.reason = `suppressed: chain '${run.chainId}' is already running in this trace`;
    } else {
      if (guardKey) runningChains.set(guardKey, (runningChains.get(guardKey) ?? 0) + 1);
      try {
        if (action.type === "execute_chain" || action.type === "script") await store(run);
        const exec = RULE_ACTIONS[action.type] as (input: RuleActionInput<RuleActionConfig>) => ReturnType<(typeof RULE_ACTIONS)["webhook"]>;
        const { failed, ...effect } = await exec({ rule, action, exchange, trace, services, env: { clock, random }, signal: stopController.signal });
        Object.assign(run, effect);
        run.status = failed ? "failed" : "succeeded";
        if (failed) run.reason = run.error?.message ?? "the action failed";
      } catch (e) {
        run.status = "failed";
        run.error = describeError(e);
        run.reason = run.error.message;
      } finally {
        if (guardKey) {
          const n = runningChains.get(guardKey)! - 1;
          if (n > 0) runningChains.set(guardKey, n);
          else runningChains.delete(guardKey);
        }
      }
    }
    run.finishedAt = clock.now();
    run.durationMs = clock.monotonic() - started;
    const s = stats[position]!;
    if (run.status === "succeeded") s.succeeded++;
    else if (run.status === "failed") {
      s.failed++;
      s.lastError = run.reason;
      logger.warn({ rule: rule.name, run: run.id, reason: run.reason }, `rule '${rule.name}' failed`);
    } else s.suppressed++;
    await store(run);
    return run;
  }

  async function store(run: RuleRun): Promise<void> {
    if (!services.runs) return;
    await services.runs.put({ id: run.id, kind: "rule", refId: run.rule, status: run.status, startedAt: run.startedAt, finishedAt: run.finishedAt, data: { ...run } });
    if (run.finishedAt !== null && ++stored % PRUNE_EVERY === 0) await services.runs.prune("rule", keepRuns);
  }

  async function drain(timeoutMs: number): Promise<boolean> {
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

  return {
    size: rules.length,
    evaluate(exchange, stored) {
      let matched: string[] | null = null;
      const scope = exchange as unknown as Record<string, unknown>;
      for (const rule of index.candidates(exchange.method, exchange.path)) {
        let ok: boolean;
        try {
          ok = rule.test(scope);
        } catch (e) {
          conditionError(rule, rule.index, e);
          continue;
        }
        if (!ok) continue;
        (matched ??= []).push(rule.name);
        fire(rule, rule.index, exchange, stored);
      }
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

