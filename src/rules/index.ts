/**
 * Consistency rules (SPEC §7): compiled at load, evaluated after every served response,
 * actions run asynchronously (chains, queued webhooks, scripts) and recorded as rule runs.
 */

// The engine.
export { createRuleEngine } from "./rule-engine.js";
export type { RuleEngine, RuleStats } from "./rule-engine.js";
export type { RuleEngineOptions, RuleScriptRuntime, RuleServices } from "./rule-services.js";

// How it plugs into the request engine, what it looks at and what it records.
export { ruleEvaluator, ruleEvaluatorBeforeResponse } from "./rule-evaluators.js";
export { CONDITION_NAMES } from "./rule-scope.js";
export type { ServedExchange } from "./rule-scope.js";
export type { RuleRun, RuleRunStatus } from "./rule-run.js";
export { ruleRunFrom } from "./rule-run.js";

// Load-time checks (the config validator reports these with file positions).
export { compileRules, compileRulesOrThrow } from "./compile-rules.js";
export type { CompiledRule, RuleIssue } from "./compile-rules.js";
