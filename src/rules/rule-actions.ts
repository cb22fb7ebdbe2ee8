/**
 * What each rule action type does, as a lookup table from `type` to implementation. An
 * executor returns what it adds to the rule run (chain run, delivery, script output) and throws
 * when the action could not be carried out; the engine records either.
 */
import type { RuleActionConfig, RuleActionType } from "../config/schema/rules.js";
import { queueActionCall } from "../actions/outbound-call.js";
import { runChainAction } from "../actions/run-chain-action.js";
import { triggerWebhookAction } from "../actions/trigger-webhook.js";
import { MockForgeError } from "../core/errors.js";
import type { TraceContext } from "../delivery/index.js";
import type { EvalEnv } from "../expr/index.js";
import { createScriptHttp } from "../scripting/index.js";
import type { CompiledRule } from "./compile-rules.js";
import { actionScope, requestOf, type ServedExchange } from "./rule-scope.js";
import type { RuleRun } from "./rule-run.js";
import type { RuleServices } from "./rule-services.js";

export type RuleEffect = Partial<Pick<RuleRun, "chainId" | "chainRunId" | "chainStatus" | "deliveryId" | "deliveryIds" | "script" | "error">> & {
  /** The action ran but what it started did not succeed. */
  failed?: boolean;
};

export interface RuleActionInput<A extends RuleActionConfig> {
  rule: CompiledRule;
  action: A;
  exchange: ServedExchange;
  trace: TraceContext;
  services: RuleServices;
  env: EvalEnv;
  signal: AbortSignal;
}

type Executors = { [T in RuleActionType]: (input: RuleActionInput<Extract<RuleActionConfig, { type: T }>>) => Promise<RuleEffect> };

async function outbound({ rule, action, exchange, trace, services, env }: RuleActionInput<Extract<RuleActionConfig, { type: "http_request" | "webhook" }>>): Promise<RuleEffect> {
  const scope = actionScope(exchange, services.env, services.baseUrl ?? "");
  const t = rule.templates;
  // In the action's url and body templates `body` is the triggering request's body (the
  // condition's name, also `request.body`). In its HEADER templates `body` is the exact outbound
  // body text, as for every outbound call, so `X-Sig: "{{hmac_sha256(env.SECRET, body)}}"` signs
  // what is sent; a header wanting the request's body writes `request.body`. Only this step
  // changes it: conditions keep SPEC §7's `body`.
  const { record } = await queueActionCall(services.deliveries, { action, templates: { url: t.url!, headers: t.headers!, body: t.body! } }, scope, env, services.baseUrl, {
    source: { kind: "rule", id: rule.name },
    trace,
  });
  return { deliveryId: record.id, deliveryIds: [record.id] };
}

export const RULE_ACTIONS: Executors = {
  async execute_chain({ rule, action, exchange, trace, services, env, signal }) {
    const scope = actionScope(exchange, services.env, services.baseUrl ?? "");
    const variables = () => rule.templates.variables!.render(scope, env) as Record<string, unknown>;
    const { run, error } = await runChainAction(services.chains, action.chain_id, () => ({ variables: variables(), traceId: trace.traceId, traceDepth: trace.depth, request: requestOf(exchange), signal }), "Add the chain under `chains:` in the config.");
    const effect: RuleEffect = { chainId: action.chain_id, chainRunId: run.id, chainStatus: run.status };
    if (error) {
      effect.failed = true;
      effect.error = error;
    }
    return effect;
  },

  http_request: outbound,
  webhook: outbound,

  async trigger_webhook({ rule, action, exchange, trace, services, env }) {
    const ids = await triggerWebhookAction(services.webhooks, {
      action,
      templates: rule.templates,
      scope: actionScope(exchange, services.env, services.baseUrl ?? ""),
      env,
      baseUrl: services.baseUrl,
      trace,
    });
    return { deliveryId: ids[0] ?? null, deliveryIds: ids };
  },

  async script({ rule, action, exchange, trace, services, signal }) {
    if (!services.scripts) {
      throw new MockForgeError("MFG_ERR_SCRIPT_RUNTIME", `Rule '${rule.name}' has a script, but no script runtime is available here`, { hint: "Scripts run inside the server, which provides the sandbox." });
    }
    const deliveries: string[] = [];
    const http = createScriptHttp({ deliveries: services.deliveries, sourceId: `rule:${rule.name}`, traceId: trace.traceId, traceDepth: trace.depth, onDelivery: (id) => deliveries.push(id), ...(services.baseUrl ? { baseUrl: services.baseUrl } : {}) });
    const result = await services.scripts.run(
      {
        code: action.script,
        label: `rule '${rule.name}' script`,
        group: `rule:${rule.name}`,
        request: requestOf(exchange),
        response: { status: exchange.response.status, headers: stringHeaders(exchange.response.headers), body: exchange.response.body },
        env: services.scriptEnv ?? {},
        ...(action.timeout_ms ? { limits: { timeout_ms: action.timeout_ms } } : {}),
        timeoutKey: `timeout_ms of rule '${rule.name}''s action`,
      },
      http,
      { signal },
    );
    const effect: RuleEffect = { script: { logs: result.logs.map((l) => ({ level: l.level, message: l.message })), returnValue: result.returnValue, deliveries } };
    if (!result.ok) {
      effect.failed = true;
      effect.error = result.error ? { code: result.error.code, message: result.error.message } : { code: "MFG_ERR_SCRIPT_RUNTIME", message: "script failed" };
    }
    return effect;
  },
};

function stringHeaders(h: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : String(v);
  return out;
}
