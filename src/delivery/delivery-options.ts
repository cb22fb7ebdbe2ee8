/**
 * What a delivery record keeps in its opaque `options` column, and how the effective settings
 * of one attempt are worked out from it and the config defaults.
 */
import type { WebhooksConfig } from "../config/schema/webhooks.js";
import type { DeliveryRecord } from "../storage/ports.js";
import { resolvePolicy, type DeliveryMode, type RetryPolicy } from "./retry-policy.js";
import type { DeliveryOptions, RetryOptions, SigningOptions } from "./types.js";

/** Options as the caller gave them (JSON-safe: no signal) plus the policy decided at creation. */
export interface StoredDeliveryOptions {
  retry?: RetryOptions;
  signing?: SigningOptions;
  timeout_ms?: number;
  connect_timeout_ms?: number;
  delay_ms?: number;
  /** Resolved when the delivery was created, so a record says how it will be retried. */
  policy: RetryPolicy;
}

/** Engine defaults: the `webhooks` config block with its zod defaults applied (`webhooksConfigSchema.parse`). */
export type DeliveryDefaults = WebhooksConfig;

/** The options column of a new delivery: what the caller gave (minus the signal) and the resolved policy. */
export function storeOptions(options: DeliveryOptions, mode: DeliveryMode, defaults: DeliveryDefaults): StoredDeliveryOptions {
  const out: StoredDeliveryOptions = { policy: resolvePolicy(options.retry, mode, defaults.retry) };
  if (options.retry) out.retry = options.retry;
  if (options.signing) out.signing = options.signing;
  if (options.timeout_ms !== undefined) out.timeout_ms = options.timeout_ms;
  if (options.connect_timeout_ms !== undefined) out.connect_timeout_ms = options.connect_timeout_ms;
  if (options.delay_ms !== undefined) out.delay_ms = options.delay_ms;
  return out;
}

/** Reads a record's options defensively: records written by an older version may lack fields. */
export function readOptions(record: DeliveryRecord, defaults: DeliveryDefaults): StoredDeliveryOptions {
  const o = (record.options ?? {}) as Partial<StoredDeliveryOptions>;
  if (o.policy) return o as StoredDeliveryOptions;
  return Object.assign({}, o, { policy: resolvePolicy(o.retry, record.mode, defaults.retry) }) as StoredDeliveryOptions;
}

/** What one attempt runs with. `webhooks.signing` signs every call that brings no signing of its own. */
export interface AttemptSettings {
  policy: RetryPolicy;
  signing: SigningOptions | undefined;
  timeoutMs: number;
  connectTimeoutMs: number;
}

export function attemptSettings(record: DeliveryRecord, defaults: DeliveryDefaults): AttemptSettings {
  const o = readOptions(record, defaults);
  return {
    policy: o.policy,
    signing: o.signing ?? defaults.signing,
    timeoutMs: o.timeout_ms ?? defaults.timeout_ms,
    connectTimeoutMs: o.connect_timeout_ms ?? defaults.connect_timeout_ms,
  };
}
