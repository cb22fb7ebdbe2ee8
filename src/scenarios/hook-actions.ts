/**
 * What each hook action type does, as a lookup table from `type` to implementation (DESIGN:
 * config is data, execution is separate). Each executor throws on failure; the hook runner turns
 * that into a recorded outcome.
 */
import type { HookActionConfig, HookActionType } from "../config/schema/chaos.js";
import { queueActionCall } from "../actions/outbound-call.js";
import { runChainAction } from "../actions/run-chain-action.js";
import { triggerWebhookAction } from "../actions/trigger-webhook.js";
import type { EvalEnv } from "../expr/index.js";
import type { ExecutionContext } from "./execution-context.js";
import type { ActionOutcome } from "./hook-result.js";
import type { HookServices } from "./hook-services.js";
import { compileHookTemplates } from "./hook-templates.js";

/** What an executor adds to its outcome. */
export type ActionEffect = Pick<ActionOutcome, "deliveryId" | "chainRunId" | "chainStatus" | "detail"> & {
  /** Set when the action ran but what it started did not succeed (a chain run that failed). */
  error?: { code: string; message: string };
  /** The run was stopped while the action was waiting. */
  stopped?: boolean;
};

export interface ActionInput<A extends HookActionConfig> {
  action: A;
  hookName: string;
  ctx: ExecutionContext;
  services: HookServices;
  /** Template environment: clock, random and a `warn` that records on the hook. */
  env: EvalEnv;
}

type Executors = { [T in HookActionType]: (input: ActionInput<Extract<HookActionConfig, { type: T }>>) => Promise<ActionEffect> };

export const ACTION_EXECUTORS: Executors = {
  async http_request({ action, hookName, ctx, services, env }) {
    const t = compileHookTemplates(action);
    const { record, request } = await queueActionCall(services.deliveries, { action, templates: { url: t.url!, headers: t.headers!, body: t.body! } }, ctx.templateScope(services), env, services.baseUrl, {
      source: { kind: "hook", id: hookName },
      trace: { traceId: ctx.traceId, depth: ctx.traceDepth },
    });
    ctx.deliveries.push(record.id);
    return { deliveryId: record.id, detail: `${request.method} ${request.url} (queued)` };
  },

  async set_variable({ action, ctx, services, env }) {
    const value = compileHookTemplates(action).value!.render(ctx.templateScope(services), env);
    ctx.variables[action.name] = value;
    return { detail: `${action.name} = ${short(value)}` };
  },

  async log({ action, hookName, ctx, services, env }) {
    const message = String(compileHookTemplates(action).message!.render(ctx.templateScope(services), env));
    ctx.logs.push({ time: services.clock.now(), level: action.level, message, hook: hookName });
    services.logger[action.level]({ hook: hookName }, message);
    return { detail: message };
  },

  async execute_chain({ action, ctx, services, env }) {
    const request = () => ({
      variables: compileHookTemplates(action).variables!.render(ctx.templateScope(services), env) as Record<string, unknown>,
      traceId: ctx.traceId,
      traceDepth: ctx.traceDepth,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    const { run, error } = await runChainAction(services.chains, action.chain_id, request, "Run the hook with a server's services (startServer) or pass a chain runner in the hook services.");
    const effect: ActionEffect = { chainRunId: run.id, chainStatus: run.status, detail: `chain ${action.chain_id} ${run.status}` };
    if (error) effect.error = error;
    return effect;
  },

  async trigger_webhook({ action, ctx, services, env }) {
    const ids = await triggerWebhookAction(services.webhooks, {
      action,
      templates: compileHookTemplates(action),
      scope: ctx.templateScope(services),
      env,
      baseUrl: services.baseUrl,
      trace: { traceId: ctx.traceId, depth: ctx.traceDepth },
    });
    ctx.deliveries.push(...ids);
    return { ...(ids[0] ? { deliveryId: ids[0] } : {}), detail: `webhook ${action.event}: ${ids.length} deliver${ids.length === 1 ? "y" : "ies"} queued` };
  },

  async wait({ action, ctx, services }) {
    try {
      await services.clock.sleep(action.duration_ms, ctx.signal);
    } catch (e) {
      if (ctx.signal?.aborted) return { stopped: true, detail: `stopped while waiting ${action.duration_ms} ms` };
      throw e;
    }
    return { detail: `waited ${action.duration_ms} ms` };
  },
};

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? "undefined";
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
