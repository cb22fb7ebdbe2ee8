/**
 * `trigger_webhook`, for hooks and rules alike: send an OpenAPI 3.1 webhook of a loaded spec
 * (what `mockforge trigger` and the admin trigger endpoint do) through the `WebhookTrigger`
 * port the OpenAPI service provides. Each send is a queued delivery carrying the action's trace,
 * so the loop guard and the fan-out budget count it like any other call.
 */
import { MockForgeError } from "../core/errors.js";
import type { EvalEnv } from "../expr/index.js";
import type { DeliveryRecord } from "../storage/ports.js";
import type { Template } from "../template/index.js";
import { resolveHttpUrl } from "./resolve-against-base.js";

/** What a trigger asks for; the OpenAPI service's `events.trigger` takes exactly this. */
export interface WebhookTriggerRequest {
  to?: string;
  example?: string;
  body?: unknown;
  traceId?: string | null;
  traceDepth?: number;
}

export interface WebhookTrigger {
  /** Rejects with MFG_ERR_OPENAPI_UNKNOWN_EVENT (the known names in its hint) or MFG_ERR_OPENAPI_NO_TARGET. */
  trigger(name: string, req: WebhookTriggerRequest): Promise<DeliveryRecord[]>;
}

export interface TriggerInput {
  action: { event: string; example?: string | undefined };
  /** The action's compiled `to` (as `url`) and `body` templates, when it has them. */
  templates: { url?: Template | undefined; body?: Template | undefined };
  scope: Record<string, unknown>;
  env: EvalEnv;
  baseUrl: string | undefined;
  trace: { traceId: string | null; depth: number };
}

/**
 * @example
 * const ids = await triggerWebhookAction(services.webhooks, { action, templates: { url: compileTemplate("/hooks") }, scope, env, baseUrl, trace });
 */
export async function triggerWebhookAction(port: WebhookTrigger | undefined, o: TriggerInput): Promise<string[]> {
  if (!port) {
    throw new MockForgeError("MFG_ERR_OPENAPI_UNKNOWN_EVENT", `Webhook '${o.action.event}' cannot be sent: no OpenAPI spec is loaded here`, {
      hint: "Name a spec with top-level `webhooks` (OpenAPI 3.1) under `openapi:` in the config, or serve with --openapi <file>.",
    });
  }
  const { url, body } = o.templates;
  const records = await port.trigger(o.action.event, {
    ...(url ? { to: resolveHttpUrl(String(url.render(o.scope, o.env)), o.baseUrl) } : {}),
    ...(o.action.example !== undefined ? { example: o.action.example } : {}),
    ...(body ? { body: body.render(o.scope, o.env) } : {}),
    traceId: o.trace.traceId,
    traceDepth: o.trace.depth,
  });
  return records.map((r) => r.id);
}
