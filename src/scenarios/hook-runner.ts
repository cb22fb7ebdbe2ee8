/**
 * Runs one hook: decides its condition, then runs its actions in order, each after its own
 * condition. Every outcome (fired, skipped with the condition's value, failed with the error,
 * the delivery or chain run made) is recorded; nothing escapes as an exception, so one bad
 * action never stops a scenario.
 */
import type { HookActionConfig, HookConfig, HookTypeName } from "../config/schema/chaos.js";
import { describeError } from "../core/errors.js";
import type { EvalEnv } from "../expr/index.js";
import type { ExecutionContext } from "./execution-context.js";
import { ACTION_EXECUTORS, type ActionInput } from "./hook-actions.js";
import { compileHookCondition } from "./hook-condition.js";
import type { ActionOutcome, HookResult } from "./hook-result.js";
import type { HookServices } from "./hook-services.js";

export interface RunHookOptions {
  /** The hook's effective type (from the list holding it when `hook_type` is absent). */
  hookType: HookTypeName;
  /** The step it runs around, if any. */
  step?: string | null;
}

/**
 * @example
 * const result = await runHook(hook, ctx, services, { hookType: "post_step", step: "create_order" });
 * result.status; // "fired" | "skipped" | "failed"
 */
export async function runHook(hook: HookConfig, ctx: ExecutionContext, services: HookServices, opts: RunHookOptions): Promise<HookResult> {
  const { clock } = services;
  const startedAt = clock.now();
  const started = clock.monotonic();
  const warnings: string[] = [];
  const warn = (message: string) => {
    const line = `hook '${hook.name}': ${message}`;
    warnings.push(line);
    ctx.warn(line);
  };
  const env: EvalEnv = { clock, random: services.random, warn: (message) => warn(message) };
  const result: HookResult = {
    name: hook.name,
    hookType: opts.hookType,
    step: opts.step ?? null,
    status: "skipped",
    condition: null,
    actions: [],
    warnings,
    startedAt,
    durationMs: 0,
  };

  if (hook.condition !== undefined) result.condition = decide(hook.condition, ctx, services, warn);
  if (result.condition !== false && !ctx.signal?.aborted) {
    for (let i = 0; i < hook.actions.length; i++) {
      result.actions.push(await runAction(hook.actions[i]!, i, hook.name, ctx, services, env, warn));
    }
    result.status = result.actions.some((a) => a.status === "failed") ? "failed" : "fired";
  }
  result.durationMs = clock.monotonic() - started;
  ctx.hookResults.push(result);
  return result;
}

async function runAction(
  action: HookActionConfig,
  index: number,
  hookName: string,
  ctx: ExecutionContext,
  services: HookServices,
  env: EvalEnv,
  warn: (message: string) => void,
): Promise<ActionOutcome> {
  const started = services.clock.monotonic();
  const outcome: ActionOutcome = { index, type: action.type, status: "skipped", condition: null, error: null, durationMs: 0 };
  if (ctx.signal?.aborted) {
    outcome.detail = "run stopped";
    return outcome;
  }
  if (action.condition !== undefined) {
    outcome.condition = decide(action.condition, ctx, services, warn);
    if (!outcome.condition) return outcome;
  }
  try {
    const exec = ACTION_EXECUTORS[action.type] as (input: ActionInput<HookActionConfig>) => ReturnType<(typeof ACTION_EXECUTORS)["wait"]>;
    const effect = await exec({ action, hookName, ctx, services, env });
    const { error, stopped, ...rest } = effect;
    Object.assign(outcome, rest);
    outcome.status = stopped ? "skipped" : error ? "failed" : "fired";
    if (error) outcome.error = error;
  } catch (e) {
    outcome.status = "failed";
    outcome.error = describeError(e);
    services.logger.warn({ hook: hookName, action: action.type, err: outcome.error }, `hook '${hookName}' action ${index} (${action.type}) failed`);
  }
  outcome.durationMs = services.clock.monotonic() - started;
  return outcome;
}

function decide(condition: NonNullable<HookConfig["condition"]>, ctx: ExecutionContext, services: HookServices, warn: (m: string) => void): boolean {
  try {
    return compileHookCondition(condition).evaluate(ctx, services, warn);
  } catch (e) {
    // Only a string that does not compile gets here (validation reports it at load too).
    warn(`condition does not compile (${describeError(e).message}): evaluated as false`);
    return false;
  }
}
