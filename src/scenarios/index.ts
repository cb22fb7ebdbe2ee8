/**
 * Chaos orchestration (SPEC §5) and the programmatic hook API (SPEC §9): live faults, scenario
 * runs with hooks and typed conditions, and `Hook`/`HookAction`/`HookType`/`ExecutionContext`.
 */

// Programmatic API (the seed's Rust snippet, in TypeScript).
export { Hook, HookAction, HookType } from "./hook.js";
export type { HookInit } from "./hook.js";
export { ExecutionContext } from "./execution-context.js";
export type { ExecutionContextInit, StepResult } from "./execution-context.js";
export type { ActionOutcome, ActionStatus, ContextLog, HookResult } from "./hook-result.js";
export type { ChainRunner, ChainRunRequest, ChainRunSummary, HookServices } from "./hook-services.js";

// Scenarios.
export { runScenario } from "./scenario-runner.js";
export type { RunScenarioOptions, ScenarioEvent, ScenarioServices } from "./scenario-runner.js";
export { createScenarioManager } from "./scenario-manager.js";
export type { ScenarioManager, StartedScenario } from "./scenario-manager.js";
export type { ScenarioReport, ScenarioRunStatus, StepReport, StepRequestReport } from "./scenario-report.js";
export { runHook } from "./hook-runner.js";
export type { RunHookOptions } from "./hook-runner.js";

// Faults the HTTP engine consults per request.
export { createFaultController } from "./fault-controller.js";
export type { ActiveFaults, FaultController, FaultDecision } from "./fault-controller.js";
export { compileRouteFilter } from "./route-filter.js";
export type { RouteFilter } from "./route-filter.js";

// Conditions and load-time checks.
export { evaluateTypedCondition } from "./typed-condition.js";
export type { ConditionSubject } from "./typed-condition.js";
export { validateChaos, validateFaults } from "./validate-chaos.js";
export type { ChaosIssue } from "./validate-chaos.js";
