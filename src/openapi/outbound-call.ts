/**
 * One request MockForge sends for a spec (a callback or a triggered webhook), compiled once:
 * the payload (the spec's example or a sample, or the config's body template), headers, and
 * the overrides the spec cannot express (delay, condition, retry, signing, timeout). Queued in
 * the delivery engine through the one outbound call of `actions/outbound-call.ts`, so it is
 * durable, retried, signed, traced and listed like every delivery.
 */
import type { CallbackOverride, WebhookOverride } from "../config/index.js";
import type { Deps } from "../core/deps.js";
import { prepareCall, queuePrepared, type OutboundCall } from "../actions/outbound-call.js";
import type { DeliveryEngine, OutboundRequest } from "../delivery/types.js";
import type { EvalEnv } from "../expr/index.js";
import { compileCondition, compileTemplate, type Condition, type Template } from "../template/index.js";
import { payloadFor } from "./sample-payload.js";
import type { OutboundOperation } from "./spec-model.js";
import type { SpecSet } from "./spec-set.js";

/** The part of the delivery engine this folder uses. */
export type Outbox = Pick<DeliveryEngine, "enqueue">;

export interface CompiledCall {
  method: string;
  mediaType: string | null;
  /** The payload when no body template is configured (made once: deterministic). */
  payload: unknown;
  body: Template | null;
  headers: Template | null;
  condition: Condition | null;
  override: CallbackOverride | WebhookOverride;
}

export function compileCall(set: SpecSet, op: OutboundOperation, override: CallbackOverride | WebhookOverride, at: string, example?: string): CompiledCall {
  return {
    method: op.method,
    mediaType: op.media?.type ?? null,
    payload: override.body === undefined ? payloadFor(set, op.media, "request", example).value : undefined,
    body: override.body === undefined ? null : compileTemplate(override.body, `${at}.body`),
    headers: override.headers ? compileTemplate(override.headers, `${at}.headers`) : null,
    condition: "condition" in override && override.condition ? compileCondition(override.condition, `${at}.condition`) : null,
    override,
  };
}

export interface SendContext {
  url: string;
  scope: Record<string, unknown>;
  deps: Deps;
  source: { kind: string; id: string };
  traceId?: string | null;
  traceDepth?: number;
  /** A payload chosen now (a named example asked for at trigger time), else the compiled one. */
  payload?: unknown;
}

/**
 * The spec's call as the one outbound call of `actions/`: its condition, its overrides as the
 * delivery options, and a rendering of its own, since its payload and content type come from
 * the spec (the URL is decided already: a runtime expression or a trigger's target).
 */
function asOutboundCall(call: CompiledCall, url: string, payload: unknown): OutboundCall {
  return { fields: call.override, condition: call.condition, render: (scope, env) => ({ request: renderSpecRequest(call, url, payload, scope, env) }) };
}

function renderSpecRequest(call: CompiledCall, url: string, payload: unknown, scope: Record<string, unknown>, env: EvalEnv): OutboundRequest {
  let body = payload !== undefined ? payload : call.body ? call.body.render(scope, env) : call.payload;
  const headers: Record<string, string> = {};
  if (body !== undefined) {
    headers["content-type"] = call.mediaType ?? (typeof body === "string" ? "text/plain" : "application/json");
    if (typeof body === "string" && /[/+]json(;|$)/i.test(headers["content-type"]) && !looksLikeJson(body)) body = JSON.stringify(body);
  }
  if (call.headers) {
    const rendered = call.headers.render({ ...scope, body: body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body) }, env);
    if (rendered && typeof rendered === "object") for (const [k, v] of Object.entries(rendered)) headers[k.toLowerCase()] = String(v);
  }
  return { method: call.method, url, headers, ...(body !== undefined ? { body } : {}) };
}

/** Renders and queues the call; resolves once it is stored in the outbox. Null when its condition is false. */
export async function queueCall(outbox: Outbox, call: CompiledCall, ctx: SendContext) {
  const warnings: string[] = [];
  const env: EvalEnv = { clock: ctx.deps.clock, random: ctx.deps.random, warn: (m) => warnings.push(m) };
  const outbound = asOutboundCall(call, ctx.url, ctx.payload);
  const rendered = prepareCall(outbound, ctx.scope, env, {});
  if (!rendered) return null;
  if (warnings.length > 0) ctx.deps.logger.warn({ source: ctx.source, warnings }, "OpenAPI call templates referred to missing names (rendered empty)");
  return queuePrepared(outbox, outbound, rendered, { source: ctx.source, trace: { traceId: ctx.traceId ?? null, depth: ctx.traceDepth ?? 0 } });
}

function looksLikeJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}
