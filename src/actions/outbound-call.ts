/**
 * One outbound call made by an action, written once for every caller: route webhooks, hook and
 * rule `http_request`/`webhook` actions, chain links and OpenAPI callbacks and webhooks. A call
 * is compiled once (`compileOutboundCall`, or a caller's own compiled templates), then per
 * exchange: its condition, its request rendered over the caller's scope (the body before the
 * headers, so a header template signs the exact text sent), and the delivery options built from
 * its retry, signing, timeout and delay plus the caller's source and trace. What differs between
 * callers is only the scope, the source, the trace and how the URL is read (`CallHow`).
 */
import type { RetryConfig, SigningConfig } from "../config/schema/webhooks.js";
import { renderBodyThenHeaders, type Renderable, type SentBody } from "../delivery/prepare-request.js";
import { headerText } from "../delivery/outbound-request.js";
import type { DeliveryEngine, DeliveryOptions, OutboundRequest } from "../delivery/types.js";
import type { EvalEnv } from "../expr/index.js";
import type { DeliveryRecord } from "../storage/ports.js";
import { compileBodyTemplate, compileCondition, compileTemplate, type Condition } from "../template/index.js";
import { resolveHttpUrl } from "./resolve-against-base.js";

/** The fields of a call that are not templates (config/schema/webhooks.ts `outboundCallFields`, plus a route webhook's `delay_ms`). */
export interface CallFields {
  retry?: RetryConfig | undefined;
  signing?: SigningConfig | undefined;
  timeout_ms?: number | undefined;
  delay_ms?: number | undefined;
}

/** What renders per call. */
export interface CallTemplates {
  /** A template (route webhooks, chain links), or a method as written (hook and rule actions: not a template). */
  method: Renderable | string;
  url: Renderable;
  headers: Renderable | null;
  body: Renderable | null;
}

/** The request as it goes to the delivery engine, and (from the standard rendering) its body as rendered, for callers that show it. */
export interface RenderedCall {
  request: OutboundRequest;
  body?: SentBody;
}

/** How a caller reads the URL and what its header templates see. */
export interface CallHow {
  /**
   * Set (hook and rule actions): a path is a call to this server (`resolveAgainstBase`) and a URL
   * that cannot be sent is refused before anything is queued. Absent (route webhooks, chain
   * links): the URL as rendered; the delivery engine records one it cannot send as failed.
   */
  resolveAgainst?: { baseUrl: string | undefined };
  /** Treat a rendered string body that is JSON text as JSON (chain links show and read into it). */
  parseJsonText?: boolean;
  /** Extra names for the header templates, given the rendered method, URL and body (a chain's first link is its own `request.*`). */
  headerScope?: (request: { method: string; url: string }, body: SentBody) => Record<string, unknown>;
}

/** A compiled call. `render` is the standard one (`renderCallTemplates`) unless the call's payload comes from elsewhere (an OpenAPI spec). */
export interface OutboundCall {
  fields: CallFields;
  condition: Condition | null;
  render(scope: Record<string, unknown>, env: EvalEnv, how: CallHow): RenderedCall;
}

/** A call as a config writes it; every string may hold `{{ }}`. */
export interface OutboundCallSpec extends CallFields {
  method?: string | undefined;
  url: string;
  headers?: Record<string, unknown> | undefined;
  body?: unknown;
  condition?: string | undefined;
}

/**
 * Compiles a call once, with its config path in error messages. Throws MFG_ERR_TEMPLATE_SYNTAX
 * (details.path set) for a bad `{{ }}`.
 *
 * @example
 * const call = compileOutboundCall({ url: "{{env.HOOK_URL}}/orders", body: { id: "{{response.body.id}}" } }, "routes[0].webhooks[0]");
 * const r = call.render({ env: { HOOK_URL: "http://127.0.0.1:4000" }, response: { body: { id: 7 } } }, evalEnv, {});
 * // r.request: { method: "POST", url: "http://127.0.0.1:4000/orders", headers: { "content-type": "application/json" }, body: { id: 7 } }
 */
export function compileOutboundCall(spec: OutboundCallSpec, at: string, defaultMethod = "POST"): OutboundCall {
  const path = (k: string) => (at ? `${at}.${k}` : k);
  const templates: CallTemplates = {
    method: compileTemplate(spec.method ?? defaultMethod, path("method")),
    url: compileTemplate(spec.url, path("url")),
    body: spec.body === undefined ? null : compileBodyTemplate(spec.body, path("body")),
    headers: spec.headers ? compileTemplate(spec.headers, path("headers")) : null,
  };
  return {
    fields: spec,
    condition: spec.condition ? withPath(() => compileCondition(spec.condition!), path("condition")) : null,
    render: (scope, env, how) => renderCallTemplates(templates, scope, env, how, defaultMethod),
  };
}

/** A call from templates compiled elsewhere (a hook's, a rule's, a chain link's). */
export function outboundCall(templates: CallTemplates, fields: CallFields, condition: Condition | null = null, defaultMethod = "POST"): OutboundCall {
  return { fields, condition, render: (scope, env, how) => renderCallTemplates(templates, scope, env, how, defaultMethod) };
}

/**
 * The standard rendering: method (upper-cased), URL (read as `how` says), body, then headers
 * over `scope` plus `body` = the exact body text. The body value goes to the delivery engine as
 * rendered: its `JSON.stringify` of a value is the text the headers saw.
 */
export function renderCallTemplates(t: CallTemplates, scope: Record<string, unknown>, env: EvalEnv, how: CallHow, defaultMethod = "POST"): RenderedCall & { body: SentBody } {
  const method = typeof t.method === "string" ? t.method.toUpperCase() : headerText(t.method.render(scope, env)).trim().toUpperCase() || defaultMethod;
  const written = headerText(t.url.render(scope, env));
  const url = how.resolveAgainst ? resolveHttpUrl(written, how.resolveAgainst.baseUrl) : written.trim();
  const { headerScope } = how;
  const { body, headers } = renderBodyThenHeaders({ body: t.body, headers: t.headers }, scope, env, {
    ...(how.parseJsonText ? { parseJsonText: true } : {}),
    ...(headerScope ? { headerScope: (b: SentBody) => headerScope({ method, url }, b) } : {}),
  });
  const request: OutboundRequest = { method, url, headers };
  if (t.body !== null && body.value !== undefined) request.body = body.value;
  return { request, body };
}

/** Where a call comes from and the trace it continues. */
export interface CallOrigin {
  source: { kind: string; id: string };
  trace: { traceId: string | null; depth: number };
}

/** The delivery options of a call: its own retry, signing, timeout and delay (absent: the `webhooks` defaults), its source and trace. */
export function callOptions(fields: CallFields, origin: CallOrigin): DeliveryOptions {
  return {
    source: origin.source,
    ...(fields.retry ? { retry: fields.retry } : {}),
    ...(fields.signing ? { signing: fields.signing } : {}),
    ...(fields.timeout_ms !== undefined ? { timeout_ms: fields.timeout_ms } : {}),
    ...(fields.delay_ms !== undefined ? { delay_ms: fields.delay_ms } : {}),
    traceId: origin.trace.traceId,
    traceDepth: origin.trace.depth,
  };
}

/**
 * The condition, then the rendering: null when the condition is false. Synchronous, so a caller
 * can tell a call that could not be made (throws: a template failed) from one that could not be
 * stored (`queuePrepared` rejects).
 */
export function prepareCall(call: OutboundCall, scope: Record<string, unknown>, env: EvalEnv, how: CallHow): RenderedCall | null {
  if (call.condition && !call.condition.evaluate(scope, env)) return null;
  return call.render(scope, env, how);
}

/** Queues a rendered call in the outbox; resolves once it is stored. */
export function queuePrepared(deliveries: Pick<DeliveryEngine, "enqueue">, call: OutboundCall, rendered: RenderedCall, origin: CallOrigin): Promise<DeliveryRecord> {
  return deliveries.enqueue(rendered.request, callOptions(call.fields, origin));
}

function withPath<T>(compile: () => T, path: string): T {
  try {
    return compile();
  } catch (e) {
    // The config path of the condition, unless the compiler named one already.
    if (e && typeof e === "object" && "details" in e) (e as { details: Record<string, unknown> }).details.path ??= path;
    throw e;
  }
}

/** A hook's or rule's `http_request`/`webhook`: its fields and its compiled url, headers and body templates. */
export interface ActionCall {
  action: CallFields & { method: string };
  templates: { url: Renderable; headers: Renderable; body: Renderable };
}

/**
 * A hook's or rule's `http_request`/`webhook` action, queued: the method as written, a path
 * resolved against the base URL, no condition of its own (the hook's or rule's was decided).
 *
 * @example
 * const { record, request } = await queueActionCall(services.deliveries, { action, templates }, scope, env, services.baseUrl, { source: { kind: "hook", id: "notify" }, trace });
 */
export async function queueActionCall(
  deliveries: Pick<DeliveryEngine, "enqueue">,
  { action, templates }: ActionCall,
  scope: Record<string, unknown>,
  env: EvalEnv,
  baseUrl: string | undefined,
  origin: CallOrigin,
): Promise<{ record: DeliveryRecord; request: OutboundRequest }> {
  const call = outboundCall({ method: action.method, ...templates }, action);
  const rendered = call.render(scope, env, { resolveAgainst: { baseUrl } });
  return { record: await queuePrepared(deliveries, call, rendered, origin), request: rendered.request };
}
