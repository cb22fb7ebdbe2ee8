/**
 * Retry policy (SPEC §3), pure: which outcomes are retried and how long to wait before the
 * next attempt. Time and randomness come in as arguments so the table tests are exact.
 */
import type { Random } from "../core/random.js";
import type { RetryOptions } from "./types.js";

/** A retry policy with every field decided. Delays in milliseconds. */
export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  exponential: boolean;
  maxDelayMs: number;
  jitter: boolean;
}

export type DeliveryMode = "queued" | "awaited";

/** SPEC §3 defaults for queued deliveries: 5 attempts, exponential from 1 s, capped at 60 s, full jitter. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 5,
  initialDelayMs: 1_000,
  exponential: true,
  maxDelayMs: 60_000,
  jitter: true,
});

/** Lays one user-written layer over a resolved policy; `initial_delay_ms` beats `delay_seconds` in the same layer. */
function overlay(base: RetryPolicy, o: RetryOptions | undefined): RetryPolicy {
  if (!o) return base;
  const delay = o.initial_delay_ms ?? (o.delay_seconds !== undefined ? o.delay_seconds * 1000 : undefined);
  return {
    maxAttempts: o.max_attempts ?? base.maxAttempts,
    initialDelayMs: delay ?? base.initialDelayMs,
    exponential: o.exponential_backoff ?? base.exponential,
    maxDelayMs: o.max_delay_seconds !== undefined ? o.max_delay_seconds * 1000 : base.maxDelayMs,
    jitter: o.jitter ?? base.jitter,
  };
}

/**
 * The policy a delivery runs under: built-in defaults, then `webhooks.retry` from the config
 * (`defaults`), then the call's own `retry`. Awaited calls make one attempt unless the call
 * gives `retry` (a config default does not make chain links retry behind the caller's back).
 *
 * @example
 * resolvePolicy({ max_attempts: 3, delay_seconds: 5, exponential_backoff: true }, "awaited")
 * // { maxAttempts: 3, initialDelayMs: 5000, exponential: true, maxDelayMs: 60000, jitter: true }
 */
export function resolvePolicy(options: RetryOptions | undefined, mode: DeliveryMode, defaults?: RetryOptions): RetryPolicy {
  const base = overlay({ ...DEFAULT_RETRY_POLICY }, defaults);
  if (mode === "awaited" && !options) return { ...base, maxAttempts: 1 };
  const p = overlay(base, options);
  return { ...p, maxAttempts: Math.max(1, Math.floor(p.maxAttempts)) };
}

/**
 * Milliseconds to wait after attempt number `attempt` (1-based) failed. Exponential doubles from
 * the initial delay per attempt; the result is capped at `maxDelayMs`; full jitter picks uniformly
 * in [0, delay]. A `Retry-After` from the receiver replaces the computed delay (still capped).
 *
 * @example
 * nextDelay(3, { ...DEFAULT_RETRY_POLICY, jitter: false }, random) // 4000
 */
export function nextDelay(attempt: number, policy: RetryPolicy, random: Random, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs)) {
    return Math.round(Math.min(Math.max(0, retryAfterMs), policy.maxDelayMs));
  }
  const exp = policy.exponential ? Math.min(2 ** Math.max(0, attempt - 1), 2 ** 30) : 1;
  const capped = Math.min(policy.initialDelayMs * exp, policy.maxDelayMs);
  return Math.round(policy.jitter ? random.next() * capped : capped);
}

/**
 * Reads a `Retry-After` header: delay-seconds or an HTTP date. Returns milliseconds from `nowMs`,
 * or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  // Only a real HTTP date (it names a weekday/month); Date.parse would read "-5" as a year.
  if (!/[a-z]{3}/i.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** How one attempt ended, for the retry decision. */
export type OutcomeClass = "success" | "retryable" | "final";

/** Error codes that mean "the receiver may be back later": no connection, or no answer in time. */
const RETRYABLE_ERROR_CODES = new Set(["MFG_ERR_DELIVERY_CONNECT", "MFG_ERR_DELIVERY_TIMEOUT"]);

/**
 * success: 2xx/3xx (redirects are not followed; the receiver answered). retryable: connection
 * errors, timeouts, 408, 429, 5xx. final: 410 and every other 4xx, an invalid URL, any other error.
 *
 * @example
 * classifyOutcome({ status: 503 }) // "retryable"
 * classifyOutcome({ error: { code: "MFG_ERR_DELIVERY_INVALID_URL" } }) // "final"
 */
export function classifyOutcome(outcome: { status: number } | { error: { code: string } }): OutcomeClass {
  if ("error" in outcome) return RETRYABLE_ERROR_CODES.has(outcome.error.code) ? "retryable" : "final";
  const s = outcome.status;
  if (s >= 200 && s < 400) return "success";
  if (s === 408 || s === 429 || s >= 500) return "retryable";
  return "final";
}
