/**
 * `trigger_webhook`, for hooks and rules alike: send an OpenAPI 3.1 webhook of a loaded spec
 * (what `mockforge trigger` and the admin trigger endpoint do) through the `WebhookTrigger`
 * port the OpenAPI service provides. Each send is a queued delivery carrying the action's trace,
 * so the loop guard and the fan-out budget count it like any other call.
 */
import { MockForgeError } from "../core/errors.js";
import type { DeliveryRecord } from "../storage/ports.js";
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
  event: string;
  /** Rendered `to`, when the action has one. */
  to: string | undefined;
  example: string | undefined;
  /** Rendered `body`, when the action has one. */
  body: unknown;
  baseUrl: string | undefined;
  trace: { traceId: string | null; depth: number };
}

/**
 * @example
 * const ids = await triggerWebhookAction(services.webhooks, { event: "newPet", to: "/hooks", example: undefined, body: undefined, baseUrl, trace });
 */
export async function triggerWebhookAction(port: WebhookTrigger | undefined, o: TriggerInput): Promise<string[]> {
  if (!port) {
    throw new MockForgeError("MFG_ERR_OPENAPI_UNKNOWN_EVENT", `Webhook '${o.event}' cannot be sent: no OpenAPI spec is loaded here`, {
      hint: "Name a spec with top-level `webhooks` (OpenAPI 3.1) under `openapi:` in the config, or serve with --openapi <file>.",
    });
  }
  const records = await port.trigger(o.event, {
    ...(o.to !== undefined ? { to: resolveHttpUrl(o.to, o.baseUrl) } : {}),
    ...(o.example !== undefined ? { example: o.example } : {}),
    ...(o.body !== undefined ? { body: o.body } : {}),
    traceId: o.trace.traceId,
    traceDepth: o.trace.depth,
  });
  return records.map((r) => r.id);
}
