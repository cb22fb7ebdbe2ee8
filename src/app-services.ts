/**
 * Every service of one server, built from a checked config, `Deps` and an open storage:
 * the delivery engine (not started: whoever listens starts it), the journal recorder, chains
 * (registry and a runner bound to this server), the script sandbox (started on first use: a
 * config without scripts never spawns a worker), live faults, consistency rules and chaos
 * scenarios. `app.ts` and `mockforge chain run` both build through `buildServices`, so a
 * chain run from the CLI runs exactly as on a server.
 */
import type { ChainRun, ChainRegistry } from "./chains/index.js";
import { createChainRegistry, runChain } from "./chains/index.js";
import type { MockForgeConfig } from "./config/index.js";
import type { Deps } from "./core/deps.js";
import type { EnvAccess } from "./core/env-access.js";
import type { EventBus } from "./core/event-bus.js";
import type { WebhookTrigger } from "./actions/trigger-webhook.js";
import { publishChainEvent } from "./events/chain-events.js";
import { publishingRunStore } from "./events/run-events.js";
import { createDeliveryEngine, type MockForgeDeliveryEngine, type SelfAddress } from "./delivery/index.js";
import type { CheckedDomain } from "./domain-checks.js";
import { JournalRecorder } from "./engine/journal-recorder.js";
import { createRuleEngine, type RuleEngine } from "./rules/index.js";
import type { ChainRunRequest } from "./scenarios/index.js";
import { createFaultController, createScenarioManager, type FaultController, type ScenarioManager } from "./scenarios/index.js";
import { ScriptRuntime } from "./scripting/index.js";
import type { Storage } from "./storage/ports.js";
import type { RetentionLimits } from "./storage/retention.js";

export interface Services {
  storage: Storage;
  /** The outbox. Built, not started: `start()` it once the server listens, `stop()` it after `close()`. */
  deliveries: MockForgeDeliveryEngine;
  /** Journals served requests and prunes the journal (`journal.max_entries`). */
  recorder: JournalRecorder;
  chains: ChainRegistry;
  /** Runs a registered chain against this server; rejects MFG_ERR_CHAIN_NOT_FOUND for an unknown id. */
  runChain(chainId: string, request: ChainRunRequest & { onEvent?: Parameters<typeof runChain>[1]["onEvent"] }): Promise<ChainRun>;
  /** The sandbox, created on first use. */
  scripts(): ScriptRuntime;
  faults: FaultController;
  rules: RuleEngine;
  scenarios: ScenarioManager;
  /** Stops the work that queues deliveries (scenarios, rules, chain runs, scripts); the outbox and storage stay up. */
  close(): Promise<void>;
}

export interface BuildOptions {
  checked: CheckedDomain;
  /** The environment views: config content reads `file`, what the admin API added reads `runtime`. */
  env: EnvAccess;
  /** `{{base_url}}`, read when a call is made (the port is known only once the server listens). */
  baseUrl: () => string;
  /** When given, chain, scenario and rule progress is published on it. */
  events?: EventBus;
  /** This server's own address: outbound calls to its admin API are refused. */
  self?: SelfAddress;
  /** The loaded specs' OpenAPI 3.1 webhooks, for `trigger_webhook` hook and rule actions. */
  webhooks?: WebhookTrigger;
}

/**
 * @example
 * const storage = await openStorage("memory", { clock: deps.clock, logger: deps.logger, owner: true });
 * const env = createEnvAccess(process.env, { allowlist: [] });
 * const services = buildServices(configSchema.parse({}), { ...deps, env: env.file }, storage, { checked: { chains: [loaded], warnings: [] }, env, baseUrl: () => "http://127.0.0.1:3000" });
 * await services.deliveries.start();
 * const run = await services.runChain(loaded.chain.id, {});
 */
/** How many of each kind the store keeps: what `openStorage` enforces for every backend (storage/retention.ts). */
export function retentionOf(config: MockForgeConfig): RetentionLimits {
  return { journal: config.journal.max_entries, runs: config.journal.max_runs, deliveries: config.webhooks.retention };
}

export function buildServices(config: MockForgeConfig, deps: Deps, storage: Storage, o: BuildOptions): Services {
  const deliveries = createDeliveryEngine({
    storage,
    clock: deps.clock,
    random: deps.random,
    logger: deps.logger,
    defaults: config.webhooks,
    // Signing secrets are file content or checked run-time additions (refuseUnlisted): the files' view, whatever `deps.env` holds.
    env: o.env.file,
    ...(o.self ? { self: o.self } : {}),
  });
  const recorder = new JournalRecorder(storage.journal, (e) => deps.logger.error({ err: String(e) }, "journal write failed"));
  const domain = createDomainServices({ config, checked: o.checked, storage, deliveries, deps, env: o.env, baseUrl: o.baseUrl, ...(o.events ? { events: o.events } : {}), ...(o.webhooks ? { webhooks: o.webhooks } : {}) });
  return { storage, deliveries, recorder, ...domain };
}

type DomainServices = Omit<Services, "storage" | "deliveries" | "recorder">;

interface DomainDeps {
  config: MockForgeConfig;
  checked: CheckedDomain;
  storage: Storage;
  deliveries: MockForgeDeliveryEngine;
  deps: Deps;
  env: EnvAccess;
  baseUrl: () => string;
  events?: EventBus;
  webhooks?: WebhookTrigger;
}

function createDomainServices(o: DomainDeps): DomainServices {
  const { config, deps, deliveries } = o;
  const runs = o.events ? publishingRunStore(o.storage.runs, o.events) : o.storage.runs;
  const base = { clock: deps.clock, random: deps.random, logger: deps.logger, env: o.env.file };
  // Hooks and rules may send the specs' webhooks (`trigger_webhook`); chains do not.
  const webhooks = o.webhooks ? { webhooks: o.webhooks } : {};
  const sandbox = lazyScriptRuntime(config, deps);
  const chains = chainServices(o, runs, sandbox.get);

  const faults = createFaultController({ random: deps.random, clock: deps.clock });
  if (config.chaos.chaos_config) faults.set("config", config.chaos.chaos_config);

  const hasRuleScripts = config.intelligent_behavior.behavior_model.consistency_rules.some((r) => r.action.type === "script");
  const rules = createRuleEngine(
    config.intelligent_behavior.behavior_model.consistency_rules,
    {
      ...base,
      ...webhooks,
      deliveries,
      chains: { run: chains.runChain },
      ...(hasRuleScripts ? { scripts: { run: (...args: Parameters<ScriptRuntime["run"]>) => sandbox.get().run(...args) } } : {}),
      runs,
      scriptEnv: o.env.file,
      get baseUrl() {
        return o.baseUrl();
      },
    },
    { maxTraceDepth: config.webhooks.max_trace_depth },
  );

  const scenarios = createScenarioManager(config.chaos.scenarios, {
    ...base,
    ...webhooks,
    deliveries,
    chains: { run: chains.runChain },
    faults,
    runs,
    get baseUrl() {
      return o.baseUrl();
    },
  });

  return {
    chains: chains.registry,
    runChain: chains.runChain,
    scripts: sandbox.get,
    faults,
    rules,
    scenarios,
    async close() {
      await scenarios.stop().catch(() => null);
      await rules.close(2_000);
      await chains.settle(2_000);
      await sandbox.close();
    },
  };
}

/** The sandbox, made on first use: a config without scripts never spawns a worker. */
function lazyScriptRuntime(config: MockForgeConfig, deps: Deps): { get: () => ScriptRuntime; close: () => Promise<void> } {
  let runtime: ScriptRuntime | null = null;
  const get = () =>
    (runtime ??= new ScriptRuntime({
      clock: deps.clock,
      logger: deps.logger,
      ...(config.scripting.pool_size !== undefined ? { poolSize: config.scripting.pool_size } : {}),
      maxPoolShare: config.scripting.max_pool_share,
      defaults: {
        timeout_ms: config.scripting.timeout_ms,
        memory_mb: config.scripting.memory_mb,
        max_http_calls: config.scripting.max_http_calls,
        max_log_lines: config.scripting.max_log_lines,
      },
    }));
  const close = async () => {
    if (runtime) await runtime.close();
  };
  return { get, close };
}

/**
 * The chain registry (the config's chains) and the runner bound to this server: a chain from
 * the config files reads the files' env view, one added through the admin API the run-time view.
 * `settle` waits (bounded) for the runs still going.
 */
function chainServices(o: DomainDeps, runs: Storage["runs"], scripts: () => ScriptRuntime): { registry: ChainRegistry; runChain: DomainServices["runChain"]; settle(timeoutMs: number): Promise<void> } {
  const { config, deps, events } = o;
  const registry = createChainRegistry();
  for (const c of o.checked.chains) registry.add(c.chain);
  // Chains from the config files; one added or replaced through the admin API is another object.
  const fromFiles = new WeakSet(o.checked.chains.map((c) => c.chain));
  const running = new Set<Promise<unknown>>();
  const runChainNow: DomainServices["runChain"] = (chainId, req) => {
    const chain = registry.get(chainId);
    const p = runChain(chain, {
      clock: deps.clock,
      random: deps.random,
      logger: deps.logger,
      env: o.env.of(!fromFiles.has(chain)),
      deliveries: o.deliveries,
      runs,
      baseUrl: o.baseUrl(),
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
      ...(chain.hasScripts ? { scripts: { runtime: scripts() } } : {}),
    });
    running.add(p);
    void p.finally(() => running.delete(p)).catch(() => {});
    return p;
  };
  const settle = async (timeoutMs: number) => {
    const grace = new AbortController();
    await Promise.race([Promise.allSettled([...running]), deps.clock.sleep(timeoutMs, grace.signal).catch(() => undefined)]);
    grace.abort();
  };
  return { registry, runChain: runChainNow, settle };
}
