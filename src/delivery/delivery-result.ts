/** What an awaited call resolves to, made from its last attempt. */
import type { HttpResponse } from "./send-errors.js";
import type { DeliveryResult } from "./types.js";

/** JSON (`application/json`, `…+json`) is parsed; anything else, or JSON that does not parse, stays text. */
export function parseResponseBody(response: Pick<HttpResponse, "headers" | "body" | "truncated">): unknown {
  const ct = response.headers["content-type"];
  const type = (Array.isArray(ct) ? ct[0] : ct) ?? "";
  if (response.body === "" || response.truncated || !/[/+]json\b/i.test(type)) return response.body;
  try {
    return JSON.parse(response.body);
  } catch {
    return response.body;
  }
}

/** The `DeliveryResult` of an awaited call; `error` is set when no HTTP answer ended it. */
export function buildResult(input: {
  deliveryId: string;
  webhookId: string;
  succeeded: boolean;
  response: HttpResponse | null;
  attempts: number;
  durationMs: number;
  error: { code: string; message: string } | null;
}): DeliveryResult {
  const r = input.response;
  return {
    deliveryId: input.deliveryId,
    webhookId: input.webhookId,
    ok: input.succeeded,
    status: r?.status ?? 0,
    headers: r?.headers ?? {},
    body: r ? parseResponseBody(r) : null,
    rawBody: r?.body ?? "",
    attempts: input.attempts,
    durationMs: Math.round(input.durationMs * 1000) / 1000,
    error: input.error,
  };
}
