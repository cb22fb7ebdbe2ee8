/**
 * What each hook action type does, as a lookup table from `type` to implementation (DESIGN:
 * config is data, execution is separate). Each executor throws on failure; the hook runner turns
 * that into a recorded outcome.
 */
import type { HookActionConfig, HookActionType } from "../config/schema/chaos.js";
import { MockForgeError } from "../core/errors.js";
import { renderBodyThenHeaders } from "../delivery/prepare-request.js";
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
    const scope = ctx.templateScope(services);
    const url = resolveUrl(String(t.url!.render(scope, env)), services.baseUrl);
    // Body first, then headers with `body` = the exact text sent, so a custom signature header
    // (`X-Sig: "{{hmac_sha256(env.SECRET, body)}}"`) signs what the receiver gets. The value is
    // queued as rendered; the engine's JSON.stringify of it is that same text.
    const { body, headers } = renderBodyThenHeaders({ body: t.body!, headers: t.headers! }, scope, env);
    const method = action.method.toUpperCase();
    const record = await services.deliveries.enqueue(
      { method, url, headers, ...(body.value === undefined ? {} : { body: body.value }) },
      {
        source: { kind: "hook", id: hookName },
        ...(action.retry ? { retry: action.retry } : {}),
        ...(action.signing ? { signing: action.signing } : {}),
        ...(action.timeout_ms ? { timeout_ms: action.timeout_ms } : {}),
        traceId: ctx.traceId,
        traceDepth: ctx.traceDepth,
      },
    );
    ctx.deliveries.push(record.id);
    return { deliveryId: record.id, detail: `${method} ${url} (queued)` };
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
    if (!services.chains) {
      throw new MockForgeError("MFG_ERR_CHAIN_NOT_FOUND", `Chain '${action.chain_id}' cannot run: no chains are loaded here`, {
        hint: "Run the hook with a server's services (startServer) or pass a chain runner in the hook services.",
      });
    }
    const variables = compileHookTemplates(action).variables!.render(ctx.templateScope(services), env) as Record<string, unknown>;
    const run = await services.chains.run(action.chain_id, {
      variables,
      traceId: ctx.traceId,
      traceDepth: ctx.traceDepth,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    const effect: ActionEffect = { chainRunId: run.id, chainStatus: run.status, detail: `chain ${action.chain_id} ${run.status}` };
    if (run.status === "failed") effect.error = run.error ?? { code: "MFG_ERR_CHAIN_FAILED", message: `chain run ${run.id} failed` };
    return effect;
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

/** Absolute URLs as they are; `/path` against the server's base URL; anything else is refused before queueing. */
export function resolveUrl(url: string, baseUrl: string | undefined): string {
  const trimmed = url.trim();
  if (trimmed.startsWith("/") && baseUrl) return new URL(trimmed, baseUrl).toString();
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    throw new MockForgeError("MFG_ERR_DELIVERY_INVALID_URL", `'${url}' is not a valid URL`, {
      hint: "Write an absolute http(s) URL such as https://webhook.example.com/orders, or a path like /api/orders to call this server.",
    });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new MockForgeError("MFG_ERR_DELIVERY_INVALID_URL", `'${url}' is not an http(s) URL`, { hint: "Only http:// and https:// URLs can be called." });
  }
  return parsed.toString();
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? "undefined";
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
