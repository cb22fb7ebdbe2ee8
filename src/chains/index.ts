/**
 * Request chains (SPEC §4): a chain's links form a DAG of HTTP calls run concurrently through
 * the delivery engine, with extraction, conditions, scripts, timeouts and a run history.
 */

// Running chains.
export { runChain } from "./run-chain.js";
export type { RunChainOptions } from "./run-chain.js";
export type { ChainScripts } from "./chain-script-runner.js";
export type { LinkScriptRunner, LinkScriptInput, LinkScriptOutcome } from "./link-script-runner.js";
export type { RequestScope } from "./render-link-request.js";

// Run records and live events.
export type { ChainEvent, ChainRun, ChainRunStatus, LinkReason, LinkRequestRecord, LinkResponseRecord, LinkRun, LinkStatus, ScriptLogRecord } from "./chain-run.js";
export { chainRunStatus, fromRunRecord, toRunRecord } from "./chain-run-record.js";
export { formatChainEvent, formatDuration, formatRunTable } from "./format-run.js";

// Validation and the prepared (runnable) form.
export { chainValidationError, formatChainPath, prepareChain, sandboxSyntax, validateChain } from "./validate-chain.js";
export type { ChainProblem, ChainValidation, ValidateChainOptions } from "./validate-chain.js";
export type { PreparedChain, PreparedLink } from "./prepared-chain.js";
export { inferDependencies } from "./infer-dependencies.js";
export { findCycles, formatCycle } from "./dependency-graph.js";

// Loading chain files and the config's `chains:` list.
export { chainConfigProblems, chainIdFromFile, loadChainFile, parseChainText, parseChainValue } from "./load-chain-file.js";
export type { ChainLoadOptions, LoadedChain } from "./load-chain-file.js";
export { loadChains } from "./load-chains.js";
export type { LoadChainsOptions, LoadedChains } from "./load-chains.js";
export { globFiles } from "./glob-files.js";

// The registry the admin API serves.
export { createChainRegistry } from "./chain-registry.js";
export type { ChainRegistry } from "./chain-registry.js";

// Pieces of the context model, for callers that build scopes themselves.
export { ChainContext, linkContextEntry } from "./chain-context.js";
export { applyExtractPath, parseExtractPath } from "./extract-path.js";
export type { ExtractPath } from "./extract-path.js";
