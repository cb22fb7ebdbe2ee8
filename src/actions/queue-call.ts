/**
 * One queued outbound call made by an action (a hook's or a rule's `http_request`, a rule's
 * `webhook`): the URL rendered and resolved against the base, the body rendered before the
 * headers (so a header template signs the exact text sent), then one row in the outbox with the
 * call's own retry, signing and timeout. Only the scope, the source and the trace differ
 * between callers.
 */
import type { RetryConfig, SigningConfig } from "../config/schema/webhooks.js";
import { renderBodyThenHeaders } from "../delivery/prepare-request.js";
import type { DeliveryEngine } from "../delivery/types.js";
import type { EvalEnv } from "../expr/index.js";
import type { DeliveryRecord } from "../storage/ports.js";
import type { Template } from "../template/index.js";
import { resolveHttpUrl } from "./resolve-against-base.js";

/** The call fields every action shares (config/schema/webhooks.ts `outboundCallFields`). */
export interface CallFields {
  method: string;
  retry?: RetryConfig | undefined;
  signing?: SigningConfig | undefined;
  timeout_ms?: number | undefined;
}

export interface QueueCallInput {
  /** The call's compiled `url`, `headers` and `body` templates. */
  templates: { url: Template; headers: Template; body: Template };
  call: CallFields;
  scope: Record<string, unknown>;
  env: EvalEnv;
  baseUrl: string | undefined;
  deliveries: Pick<DeliveryEngine, "enqueue">;
  source: { kind: string; id: string };
  trace: { traceId: string | null; depth: number };
}

/**
 * @example
 * const { record } = await queueCall({ templates, call: action, scope, env, baseUrl, deliveries, source: { kind: "hook", id: "notify" }, trace: { traceId, depth: 0 } });
 */
export async function queueCall(o: QueueCallInput): Promise<{ record: DeliveryRecord; method: string; url: string }> {
  const url = resolveHttpUrl(String(o.templates.url.render(o.scope, o.env)), o.baseUrl);
  const { body, headers } = renderBodyThenHeaders({ body: o.templates.body, headers: o.templates.headers }, o.scope, o.env);
  const method = o.call.method.toUpperCase();
  // The value is queued as rendered; the engine's JSON.stringify of it is the text the headers saw.
  const record = await o.deliveries.enqueue(
    { method, url, headers, ...(body.value === undefined ? {} : { body: body.value }) },
    {
      source: o.source,
      ...(o.call.retry ? { retry: o.call.retry } : {}),
      ...(o.call.signing ? { signing: o.call.signing } : {}),
      ...(o.call.timeout_ms ? { timeout_ms: o.call.timeout_ms } : {}),
      traceId: o.trace.traceId,
      traceDepth: o.trace.depth,
    },
  );
  return { record, method, url };
}
