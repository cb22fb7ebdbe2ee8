/**
 * OpenAPI 3.1 `webhooks` → events that can be sent on demand (like `stripe trigger`): to a URL
 * given then, or to every subscription registered for the event. Each send is a queued
 * delivery (durable, retried, signed, listed in the deliveries API).
 */
import type { WebhookOverride } from "../config/index.js";
import type { Deps } from "../core/deps.js";
import { MockForgeError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import type { DeliveryRecord } from "../storage/ports.js";
import { compileCall, queueCall, type CompiledCall, type Outbox } from "./outbound-call.js";
import { payloadFor } from "./sample-payload.js";
import type { SpecModel, WebhookModel } from "./spec-model.js";

export interface Subscription {
  id: string;
  event: string;
  url: string;
  /** Standard Webhooks secret; shown redacted. */
  secret: string | null;
  created: number;
}

export interface TriggerRequest {
  /** Where to send it; without it, to every subscription of the event. */
  to?: string;
  /** A named example of the webhook's request body. */
  example?: string;
  /** A body given outright (wins over examples and templates). */
  body?: unknown;
  /** Signs with this Standard Webhooks secret (for a `to` URL; subscriptions carry their own). */
  secret?: string;
  /** The trace of what asked (a hook or rule action): the loop guard and fan-out budget count the sends. */
  traceId?: string | null;
  traceDepth?: number;
}

interface Event {
  name: string;
  model: SpecModel;
  webhook: WebhookModel;
  calls: CompiledCall[];
}

export interface WebhookEvents {
  names(): string[];
  trigger(name: string, req: TriggerRequest): Promise<DeliveryRecord[]>;
  subscribe(input: { event?: unknown; url?: unknown; secret?: unknown }): Subscription;
  unsubscribe(id: string): boolean;
  subscriptions(): Subscription[];
}

export function createWebhookEvents(specs: { model: SpecModel; webhooks: Record<string, WebhookOverride> }[], outbox: Outbox, deps: Deps, baseUrl: () => string): WebhookEvents {
  const events = new Map<string, Event>();
  for (const { model, webhooks } of specs) {
    for (const w of model.webhooks) {
      if (events.has(w.name)) continue;
      const override = webhooks[w.name] ?? {};
      events.set(w.name, { name: w.name, model, webhook: w, calls: w.operations.map((o) => compileCall(model.set, o, override, `openapi.webhooks.${w.name}`)) });
    }
  }
  const subs = new Map<string, Subscription>();
  const known = () => [...events.keys()];
  const find = (name: string): Event => {
    const e = events.get(name);
    if (!e) {
      throw new MockForgeError("MFG_ERR_OPENAPI_UNKNOWN_EVENT", `No webhook named '${name}' in the loaded specs`, {
        hint: known().length > 0 ? `known webhooks: ${known().join(", ")}` : "no loaded spec has top-level `webhooks` (OpenAPI 3.1)",
        known: known(),
      });
    }
    return e;
  };
  return {
    names: known,
    async trigger(name, req) {
      const event = find(name);
      const targets: { url: string; secret: string | null }[] = req.to !== undefined ? [{ url: checkUrl(req.to, "to"), secret: req.secret !== undefined ? checkSecret(req.secret) : null }] : [...subs.values()].filter((s) => s.event === name).map((s) => ({ url: s.url, secret: s.secret }));
      if (targets.length === 0) {
        throw new MockForgeError("MFG_ERR_OPENAPI_NO_TARGET", `Webhook '${name}' has no target: give \`to\`, or subscribe a URL first`, { hint: "POST /__mockforge/openapi/subscriptions {event, url, secret}" });
      }
      const out: DeliveryRecord[] = [];
      for (const call of event.calls) {
        const op = event.webhook.operations[event.calls.indexOf(call)]!;
        const payload = req.body !== undefined ? req.body : req.example !== undefined ? payloadFor(event.model.set, op.media, "request", req.example).value : undefined;
        for (const t of targets) {
          const c = t.secret ? { ...call, override: { ...call.override, signing: { scheme: "standard-webhooks" as const, secret: t.secret } } } : call;
          const scope = { env: deps.env, base_url: baseUrl(), event: { name } };
          const rec = await queueCall(outbox, c, {
            url: t.url,
            scope,
            deps,
            source: { kind: "openapi", id: `webhook ${name}` },
            ...(payload !== undefined ? { payload } : {}),
            ...(req.traceId !== undefined ? { traceId: req.traceId } : {}),
            ...(req.traceDepth !== undefined ? { traceDepth: req.traceDepth } : {}),
          });
          if (rec) out.push(rec);
        }
      }
      return out;
    },
    subscribe(input) {
      if (typeof input.event !== "string") throw new MockForgeError("MFG_ERR_BAD_REQUEST", "a subscription needs `event`, the webhook's name", { hint: `known webhooks: ${known().join(", ")}` });
      find(input.event);
      const url = checkUrl(input.url, "url");
      const secret = input.secret === undefined || input.secret === null ? null : checkSecret(input.secret);
      const sub: Subscription = { id: newId("sub", deps.clock.now(), deps.random), event: input.event, url, secret, created: deps.clock.now() };
      subs.set(sub.id, sub);
      return sub;
    },
    unsubscribe: (id) => subs.delete(id),
    subscriptions: () => [...subs.values()],
  };
}

function checkUrl(v: unknown, what: string): string {
  let u: URL | null = null;
  try {
    u = typeof v === "string" ? new URL(v) : null;
  } catch {
    u = null;
  }
  if (!u || (u.protocol !== "http:" && u.protocol !== "https:")) {
    throw new MockForgeError("MFG_ERR_BAD_REQUEST", `\`${what}\` must be an absolute http(s) URL, got ${JSON.stringify(v)}`, { hint: "e.g. http://127.0.0.1:4000/hooks" });
  }
  return String(v);
}

function checkSecret(v: unknown): string {
  if (typeof v !== "string" || !/^whsec_[A-Za-z0-9+/]{24,}={0,2}$/.test(v)) {
    throw new MockForgeError("MFG_ERR_BAD_REQUEST", "`secret` must be a Standard Webhooks key: whsec_ followed by base64 (at least 18 bytes)", { hint: "e.g. whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" });
  }
  return v;
}
