/**
 * The contract of the one outbound-HTTP engine (SPEC §3). Route webhooks, hook and rule
 * `http_request` actions, chain links and script `mockforge.http.*` calls all go through
 * `DeliveryEngine`; nothing else in MockForge opens an outbound connection.
 */
import type { SigningConfig } from "../config/schema/signing.js";
import type { RetryConfig } from "../config/schema/webhooks.js";
import type { DeliveryRecord, Headers } from "../storage/ports.js";

/** What to send. `body`: a string is sent as is; any other value is sent as JSON. */
export interface OutboundRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Retry policy as users write it (seed form and SPEC §3): the `retry` schema's type. All fields optional. */
export type RetryOptions = RetryConfig;

/**
 * Signing: one of the schemes of `config/schema/signing.ts`, as the schema outputs it (defaults
 * applied). Stored blocks are parsed again when each attempt is signed, so a record written
 * before a default existed still signs.
 */
export type SigningOptions = SigningConfig;

export interface DeliveryOptions {
  /** What made the call, for inspection: `route`, `hook`, `chain`, `rule`, `script`, `api`. */
  source: { kind: string; id?: string | null };
  retry?: RetryOptions;
  signing?: SigningOptions;
  /** Total time per attempt. Default 30 s (`webhooks.timeout_ms`). */
  timeout_ms?: number;
  /** Connect timeout per attempt. Default 5 s. */
  connect_timeout_ms?: number;
  /** Queued mode only: wait this long before the first attempt. */
  delay_ms?: number;
  /** Trace id of the request/run that caused this call; sent in `x-mockforge-trace`. */
  traceId?: string | null;
  /** Depth of the cause in its trace; the call is sent with depth + 1. */
  traceDepth?: number;
  /** Awaited mode: cancels the call (and its pending retries). */
  signal?: AbortSignal;
}

/** What an awaited call resolves to. Connection errors resolve too (`error` set, `status` 0). */
export interface DeliveryResult {
  deliveryId: string;
  webhookId: string;
  ok: boolean;
  /** Final HTTP status; 0 when no response was received. */
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON, else the text. */
  body: unknown;
  rawBody: string;
  attempts: number;
  durationMs: number;
  error: { code: string; message: string } | null;
}

export interface DeliveryWaitFilter {
  /** Substring of the URL. */
  url?: string;
  status?: DeliveryRecord["status"];
  sourceKind?: string;
  /** Only deliveries created at or after this epoch ms (so a test counts only what it caused). */
  since?: number;
}

export interface DeliveryEngine {
  /** Fire-and-forget: the delivery is durable in the outbox when this resolves; sending happens later. */
  enqueue(request: OutboundRequest, options: DeliveryOptions): Promise<DeliveryRecord>;
  /** Awaited: sends now (with retries per `options.retry`, default one attempt), recorded like any delivery. */
  send(request: OutboundRequest, options: DeliveryOptions): Promise<DeliveryResult>;
  /** Queues a copy of a delivery. Keeps the original `webhook-id` unless `newId`; `url` sends it elsewhere ("resend to"). */
  replay(deliveryId: string, opts?: { newId?: boolean; url?: string }): Promise<DeliveryRecord>;
  /** Resolves with matching deliveries once `count` of them are finished, or rejects with MFG_ERR_WAIT_TIMEOUT. */
  waitFor(filter: DeliveryWaitFilter, count: number, timeoutMs: number): Promise<DeliveryRecord[]>;
  /** Resolves when no queued delivery is pending or in flight (or after `timeoutMs`); returns how many are still pending. */
  drain(timeoutMs: number): Promise<number>;
  /** Resumes pending deliveries from storage and starts dispatching. */
  start(): Promise<void>;
  /**
   * Stops dispatching; in-flight attempts finish or are left `in_flight` to be resumed next start.
   * `graceMs` (default 0): how long in-flight attempts may run on before they are cut off.
   */
  stop(opts?: { graceMs?: number }): Promise<void>;
  /** Calls `listener` on every status change of a delivery this engine handles; returns the unsubscribe function. */
  subscribe?(listener: (record: DeliveryRecord) => void): () => void;
}
