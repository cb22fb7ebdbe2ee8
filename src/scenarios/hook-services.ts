/**
 * What hooks and scenarios need from the rest of MockForge: exactly the ports every outbound
 * action needs (actions/action-services.ts): the delivery engine (queued hook calls, awaited
 * step requests), a chain runner for `execute_chain`, and clock/random/logger/env. `app.ts`
 * binds the server's own services; tests pass fakes.
 */
import type { ActionServices } from "../actions/action-services.js";

export type { ChainRunner, ChainRunRequest, ChainRunSummary } from "../chains/chain-runner.js";

export type HookServices = ActionServices;
