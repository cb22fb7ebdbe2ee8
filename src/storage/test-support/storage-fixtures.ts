import type { AttemptRecord, DeliveryRecord, JournalEntry, RunRecord } from "../ports.js";

/** A fixed epoch so fixtures read as dates: 2026-11-29T08:00:00.000Z. */
export const T0 = Date.UTC(2026, 10, 29, 8, 0, 0);

let counter = 0;
/** Unique, readable ids for fixtures (the stores treat ids as opaque strings). */
export function fixtureId(prefix: string): string {
  counter++;
  return `${prefix}_${counter.toString().padStart(6, "0")}`;
}

/** A journal entry with every field filled; override what a test cares about. */
export function journalEntry(over: Partial<JournalEntry> = {}): JournalEntry {
  return {
    id: fixtureId("req"),
    time: T0,
    method: "POST",
    path: "/webhooks/orders",
    url: "/webhooks/orders?x=1",
    query: { x: "1" },
    params: {},
    headers: { "content-type": "application/json", "x-multi": ["a", "b"] },
    rawBody: '{"ok":true}',
    rawBodyEncoding: "utf8",
    body: { ok: true },
    routeId: "orders",
    status: 200,
    durationMs: 1.25,
    notes: [],
    traceId: null,
    ...over,
  };
}

/** A pending, due-now queued delivery; override what a test cares about. */
export function delivery(over: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    id: fixtureId("dlv"),
    webhookId: fixtureId("msg"),
    mode: "queued",
    sourceKind: "route",
    sourceId: "orders",
    request: {
      method: "POST",
      url: "http://127.0.0.1:9999/hooks/orders",
      headers: { "content-type": "application/json" },
      body: '{"event":"order.created"}',
    },
    options: { retry: { max_attempts: 5, exponential_backoff: true }, timeout_ms: 1000 },
    status: "pending",
    attemptCount: 0,
    nextAttemptAt: T0,
    createdAt: T0,
    updatedAt: T0,
    lastStatus: null,
    lastError: null,
    traceId: null,
    replayOf: null,
    leaseOwner: null,
    leaseUntil: null,
    ...over,
  };
}

/** An attempt of `deliveryId` that got a 503; override what a test cares about. */
export function attempt(deliveryId: string, over: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    id: fixtureId("att"),
    deliveryId,
    number: 1,
    startedAt: T0,
    durationMs: 12.5,
    request: { method: "POST", url: "http://127.0.0.1:9999/hooks", headers: { "webhook-id": "msg_1" }, body: "{}" },
    response: { status: 503, headers: { "retry-after": "1", "set-cookie": ["a=1", "b=2"] }, body: "busy", truncated: false },
    error: null,
    retryable: true,
    nextDelayMs: 1000,
    ...over,
  };
}

/** A finished chain run; override what a test cares about. */
export function run(over: Partial<RunRecord> = {}): RunRecord {
  return {
    id: fixtureId("run"),
    kind: "chain",
    refId: "orders",
    status: "succeeded",
    startedAt: T0,
    finishedAt: T0 + 50,
    data: { links: [{ id: "create", status: "succeeded" }] },
    ...over,
  };
}

/** Awkward JSON to prove values survive the trip: unicode, nesting, nulls, numbers, empty things. */
export const AWKWARD_JSON = {
  text: "héllo wörld — 日本語 🎉 \u0000 'quotes' \"double\" \\ backslash",
  nested: { deep: { deeper: [1, 2.5, -3, { x: null }, [], {}] } },
  nothing: null,
  yes: true,
  big: 9007199254740991,
  empty: "",
};
