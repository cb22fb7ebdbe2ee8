/**
 * MockForge's public API. Everything a program or a test needs, exported by name in groups;
 * types are exported with `export type`. See docs/scenarios-and-rules.md for a tour.
 *
 * @example
 * import { startServer } from "mockforge";
 * const mock = await startServer("mockforge.yaml");
 * const [webhook] = await mock.journal.waitFor({ path: "/webhooks/orders", where: "body.event == 'order.created'" });
 * await mock.close();
 */

import { loadScriptSyntaxChecker as loadChecker } from "./scripting/index.js";

// A program using the package may check scripts synchronously (checkScriptSyntax, a rule engine
// or a chain built in code): QuickJS loads with the package, as it always did. The CLI loads it
// only for a config that has a script (issue 20, start time).
await loadChecker();

// Serving
export { startServer } from "./start-server.js";
export type { RunningServer, StartServerOptions, RequestWaitOptions } from "./start-server.js";
export { createApp } from "./app.js";
export type { App, AppBase, AppOptions, RunningApp } from "./app.js";
export { buildServices } from "./app-services.js";
export type { BuildOptions, Services } from "./app-services.js";

// Events: what the server does, as it happens (`app.events`; GET /__mockforge/events streams it)
export { createEventBus, EVENT_TYPES } from "./core/event-bus.js";
export type { EventBus, EventPayloads, EventType, MockForgeEvent, DeliverySummary } from "./core/event-bus.js";

// Config
export { loadConfig, parseConfigText, configJsonSchema, ConfigError } from "./config/index.js";
export type { LoadedConfig, MockForgeConfig, MockForgeConfigInput, RouteConfig, ConfigProblem } from "./config/index.js";
export type { ChainConfig, ChainLinkConfig } from "./config/schema/chains.js";
export type { ScenarioConfig, HookConfig, HookActionConfig, TypedCondition, FaultConfig } from "./config/schema/chaos.js";
export type { ConsistencyRuleConfig } from "./config/schema/rules.js";
export type { RetryConfig, SigningConfig, RouteWebhookConfig } from "./config/schema/webhooks.js";

// Chains
export { runChain, loadChainFile, parseChainText, createChainRegistry, formatRunTable } from "./chains/index.js";
export type { ChainRun, LinkRun, ChainEvent, ChainRegistry, RunChainOptions } from "./chains/index.js";

// Chaos scenarios and hooks (the seed's Hook / HookAction / HookType / ExecutionContext)
export { HookAction, HookType, ExecutionContext, runScenario, createFaultController } from "./scenarios/index.js";
export { Hook, closeDefaultHookServices } from "./standalone-hooks.js";
export type { HookInit, HookResult, ScenarioReport, FaultController } from "./scenarios/index.js";

// Consistency rules
export { createRuleEngine } from "./rules/index.js";
export type { RuleEngine, ServedExchange, RuleRun } from "./rules/index.js";

// Scripts
export { ScriptRuntime, checkScriptSyntax, loadScriptSyntaxChecker } from "./scripting/index.js";
export type { ScriptInput, ScriptResult, ScriptLimits } from "./scripting/index.js";

// Outbound delivery
export { createDeliveryEngine, verifySignature, signHeaders, nextDelay, TRACE_HEADER } from "./delivery/index.js";
export type { DeliveryEngine, DeliveryOptions, DeliveryResult, OutboundRequest } from "./delivery/index.js";

// Storage
export { openStorage, createMemoryStorage, createSqliteStorage } from "./storage/index.js";
export { createPostgresStorage } from "./storage/postgres/postgres-storage.js";
export type { Storage, JournalEntry, DeliveryRecord, AttemptRecord, RunRecord } from "./storage/index.js";

// Expressions and templates
export { compileTemplate, renderTemplate, compileCondition } from "./template/index.js";
export { parseExpression, evaluate } from "./expr/index.js";
export type { EvalEnv } from "./expr/index.js";

// Time, randomness, errors
export { ManualClock, systemClock } from "./core/clock.js";
export type { Clock } from "./core/clock.js";
export { seededRandom, systemRandom } from "./core/random.js";
export type { Random } from "./core/random.js";
export { MockForgeError, isMockForgeError, CATALOGUE } from "./core/errors.js";
export type { ErrorCode } from "./core/errors.js";
