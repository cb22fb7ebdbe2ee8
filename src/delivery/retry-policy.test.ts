import { describe, expect, it } from "vitest";
import { seededRandom, type Random } from "../core/random.js";
import { classifyOutcome, DEFAULT_RETRY_POLICY, nextDelay, parseRetryAfter, resolvePolicy, type RetryPolicy } from "./retry-policy.js";

const fixed = (v: number): Random => ({ ...seededRandom(1), next: () => v });

describe("resolvePolicy", () => {
  it.each([
    ["queued, nothing given", undefined, "queued", undefined, DEFAULT_RETRY_POLICY],
    ["awaited, nothing given: one attempt", undefined, "awaited", undefined, { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 }],
    [
      "awaited ignores the config's attempts unless the call gives retry",
      undefined,
      "awaited",
      { max_attempts: 9 },
      { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 },
    ],
    [
      "the seed's form, as written",
      { max_attempts: 3, delay_seconds: 5, exponential_backoff: true },
      "awaited",
      undefined,
      { maxAttempts: 3, initialDelayMs: 5000, exponential: true, maxDelayMs: 60_000, jitter: true },
    ],
    [
      "config defaults change the queued default",
      undefined,
      "queued",
      { max_attempts: 5, delay_seconds: 1, exponential_backoff: true, max_delay_seconds: 30 },
      { ...DEFAULT_RETRY_POLICY, maxDelayMs: 30_000 },
    ],
    [
      "call beats config; initial_delay_ms beats delay_seconds in one layer",
      { initial_delay_ms: 250, delay_seconds: 9, jitter: false },
      "queued",
      { delay_seconds: 2, exponential_backoff: false },
      { maxAttempts: 5, initialDelayMs: 250, exponential: false, maxDelayMs: 60_000, jitter: false },
    ],
    [
      "a call's delay_seconds beats the config's initial_delay_ms",
      { delay_seconds: 3 },
      "queued",
      { initial_delay_ms: 100 },
      { ...DEFAULT_RETRY_POLICY, initialDelayMs: 3000 },
    ],
  ] as const)("%s", (_name, options, mode, defaults, expected) => {
    expect(resolvePolicy(options, mode, defaults)).toEqual(expected);
  });
});

describe("nextDelay", () => {
  const p = (over: Partial<RetryPolicy>): RetryPolicy => ({ ...DEFAULT_RETRY_POLICY, jitter: false, ...over });
  it.each([
    ["exponential 1st", 1, p({}), 0.5, undefined, 1000],
    ["exponential 2nd", 2, p({}), 0.5, undefined, 2000],
    ["exponential 4th", 4, p({}), 0.5, undefined, 8000],
    ["exponential capped", 10, p({}), 0.5, undefined, 60_000],
    ["cap below initial", 1, p({ initialDelayMs: 5000, maxDelayMs: 2000 }), 0.5, undefined, 2000],
    ["constant", 4, p({ exponential: false, initialDelayMs: 5000 }), 0.5, undefined, 5000],
    ["seed form: 5 s then 10 s", 2, p({ initialDelayMs: 5000 }), 0.5, undefined, 10_000],
    ["full jitter picks within [0, delay]", 3, p({ jitter: true }), 0.25, undefined, 1000],
    ["full jitter at 0", 3, p({ jitter: true }), 0, undefined, 0],
    ["jitter applies after the cap", 20, p({ jitter: true }), 0.5, undefined, 30_000],
    ["Retry-After replaces the backoff", 1, p({}), 0.5, 7000, 7000],
    ["Retry-After capped at max delay", 1, p({ maxDelayMs: 3000 }), 0.5, 120_000, 3000],
    ["Retry-After is not jittered", 1, p({ jitter: true }), 0, 4000, 4000],
    ["huge attempt numbers do not overflow", 5000, p({}), 0.5, undefined, 60_000],
  ] as const)("%s", (_name, attempt, policy, r, retryAfter, expected) => {
    expect(nextDelay(attempt, policy, fixed(r), retryAfter)).toBe(expected);
  });

  it("jitter with a seeded random stays within the bound and varies", () => {
    const random = seededRandom(42);
    const delays = Array.from({ length: 50 }, () => nextDelay(3, { ...DEFAULT_RETRY_POLICY }, random));
    expect(delays.every((d) => d >= 0 && d <= 4000)).toBe(true);
    expect(new Set(delays).size).toBeGreaterThan(10);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.UTC(2026, 10, 29, 8, 0, 0);
  it.each([
    ["seconds", "120", 120_000],
    ["zero", "0", 0],
    ["fractional seconds", "1.5", 1500],
    ["HTTP date in the future", "Sun, 29 Nov 2026 08:00:30 GMT", 30_000],
    ["HTTP date in the past", "Sun, 29 Nov 2026 07:00:00 GMT", 0],
    ["array takes the first", ["3", "9"], 3000],
    ["garbage", "soon", undefined],
    ["absent", undefined, undefined],
    ["negative is not a delay", "-5", undefined],
  ] as const)("%s", (_name, value, expected) => {
    expect(parseRetryAfter(value as string | string[] | undefined, now)).toBe(expected);
  });
});

describe("classifyOutcome", () => {
  it.each([
    [{ status: 200 }, "success"],
    [{ status: 204 }, "success"],
    [{ status: 302 }, "success"],
    [{ status: 400 }, "final"],
    [{ status: 404 }, "final"],
    [{ status: 408 }, "retryable"],
    [{ status: 410 }, "final"],
    [{ status: 422 }, "final"],
    [{ status: 429 }, "retryable"],
    [{ status: 500 }, "retryable"],
    [{ status: 503 }, "retryable"],
    [{ error: { code: "MFG_ERR_DELIVERY_CONNECT" } }, "retryable"],
    [{ error: { code: "MFG_ERR_DELIVERY_TIMEOUT" } }, "retryable"],
    [{ error: { code: "MFG_ERR_DELIVERY_INVALID_URL" } }, "final"],
    [{ error: { code: "SOMETHING_ELSE" } }, "final"],
  ] as const)("%j → %s", (outcome, expected) => {
    expect(classifyOutcome(outcome)).toBe(expected);
  });
});
