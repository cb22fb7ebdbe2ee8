/**
 * The domain services of one server, built from a checked config: chains (registry and a
 * runner bound to this server), the script sandbox (started on first use: a config without
 * scripts never spawns a worker), live faults, consistency rules and chaos scenarios.
 */
import type { ChainRun, ChainRegistry } from "./chains/index.js";
import { createChainRegistry, runChain } from "./chains/index.js";
import type { MockForgeConfig } from "./config/index.js";
import type { Deps } from "./core/deps.js";
import { scriptEnvOf, type EnvAccess } from "./core/env-access.js";
import type { EventBus } from "./core/event-bus.js";
import { publishChainEvent } from "./events/chain-events.js";
import { publishingRunStore } from "./events/run-events.js";
import type { DeliveryEngine } from "./delivery/index.js";
import type { CheckedDomain } from "./domain-checks.js";
import { createRuleEngine, type RuleEngine } from "./rules/index.js";
import type { ChainRunRequest } from "./scenarios/index.js";
import { createFaultController, createScenarioManager, type FaultController, type ScenarioManager } from "./scenarios/index.js";
import { ScriptRuntime } from "./scripting/index.js";
import type { Storage } from "./storage/ports.js";

export interface DomainServices {
  chains: ChainRegistry;
  /** Runs a registered chain against this server; rejects MFG_ERR_CHAIN_NOT_FOUND for an unknown id. */
  runChain(chainId: string, request: ChainRunRequest & { onEvent?: Parameters<typeof runChain>[1]["onEvent"] }): Promise<ChainRun>;
  /** The sandbox, created on first use. */
  scripts(): ScriptRuntime;
  /** `mockforge.env` for a script loaded from the config files, or added at run time (core/env-access.ts). */
  scriptEnv(addedAtRunTime: boolean): Record<string, string>;
  faults: FaultController;
  rules: RuleEngine;
  scenarios: ScenarioManager;
  close(): Promise<void>;
}

export interface DomainDeps {
  config: MockForgeConfig;
  checked: CheckedDomain;
  storage: Storage;
  deliveries: DeliveryEngine;
  deps: Deps;
  /** The environment views: config content reads `file`, what the admin API added reads `runtime`. */
  env: EnvAccess;
  baseUrl: () => string;
  /** When given, chain, scenario and rule progress is published on it. */
  events?: EventBus;
}

export function createDomainServices(o: DomainDeps): DomainServices {
  const { config, deps, deliveries } = o;
  const events = o.events;
  const runs = events ? publishingRunStore(o.storage.runs, events) : o.storage.runs;
  const base = { clock: deps.clock, random: deps.random, logger: deps.logger, env: o.env.file };
  const scriptEnv = (addedAtRunTime: boolean) => scriptEnvOf(o.env.of(addedAtRunTime));
  let runtime: ScriptRuntime | null = null;
  const scripts = () =>
    (runtime ??= new ScriptRuntime({
      clock: deps.clock,
      logger: deps.logger,
      ...(config.scripting.pool_size !== undefined ? { poolSize: config.scripting.pool_size } : {}),
      defaults: {
        timeout_ms: config.scripting.timeout_ms,
        memory_mb: config.scripting.memory_mb,
        max_http_calls: config.scripting.max_http_calls,
        max_log_lines: config.scripting.max_log_lines,
      },
    }));

  const chains = createChainRegistry();
  for (const c of o.checked.chains) chains.add(c.chain);
  // Chains from the config files; one added or replaced through the admin API is another object.
  const fromFiles = new WeakSet(o.checked.chains.map((c) => c.chain));
  const running = new Set<Promise<unknown>>();
  const chainRunner: DomainServices["runChain"] = (chainId, req) => {
    const chain = chains.get(chainId);
    const env = o.env.of(!fromFiles.has(chain));
    const p = runChain(chain, {
      ...base,
      env,
      deliveries,
      runs,
      baseUrl: o.baseUrl(),
      keepRuns: config.journal.max_runs,
      ...(req.variables ? { variables: req.variables } : {}),
      ...(req.request ? { request: req.request } : {}),
      traceId: req.traceId ?? null,
      traceDepth: req.traceDepth ?? 0,
      ...(req.signal ? { signal: req.signal } : {}),
      ...(req.onEvent || events
        ? {
            onEvent: (e: Parameters<NonNullable<typeof req.onEvent>>[0]) => {
              if (events) publishChainEvent(events, e);
              req.onEvent?.(e);
            },
          }
        : {}),
      ...(chain.hasScripts ? { scripts: { runtime: scripts(), envAllowlist: Object.keys(env) } } : {}),
    });
    running.add(p);
    void p.finally(() => running.delete(p)).catch(() => {});
    return p;
  };

  const faults = createFaultController({ random: deps.random, clock: deps.clock });
  if (config.chaos.chaos_config) faults.set("config", config.chaos.chaos_config);

  const hasRuleScripts = config.intelligent_behavior.behavior_model.consistency_rules.some((r) => r.action.type === "script");
  const rules = createRuleEngine(
    config.intelligent_behavior.behavior_model.consistency_rules,
    {
      ...base,
      deliveries,
      chains: { run: chainRunner },
      ...(hasRuleScripts ? { scripts: { run: (...args: Parameters<ScriptRuntime["run"]>) => scripts().run(...args) } } : {}),
      runs,
      scriptEnv: scriptEnv(false),
      get baseUrl() {
        return o.baseUrl();
      },
    },
    { maxTraceDepth: config.webhooks.max_trace_depth, keepRuns: config.journal.max_runs },
  );

  const scenarios = createScenarioManager(config.chaos.scenarios, {
    ...base,
    deliveries,
    chains: { run: chainRunner },
    faults,
    runs,
    get baseUrl() {
      return o.baseUrl();
    },
  });

  return {
    chains,
    runChain: chainRunner,
    scripts,
    scriptEnv,
    faults,
    rules,
    scenarios,
    async close() {
      await scenarios.stop().catch(() => null);
      await rules.close(2_000);
      const grace = new AbortController();
      await Promise.race([Promise.allSettled([...running]), deps.clock.sleep(2_000, grace.signal).catch(() => undefined)]);
      grace.abort();
      if (runtime) await runtime.close();
    },
  };
}
