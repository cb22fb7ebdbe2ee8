/**
 * The rows the engine inserts: a new delivery (queued or awaited) with its trace header and
 * resolved options, and a replay of a finished one. Pure: time and randomness come in.
 */
import type { Random } from "../core/random.js";
import { newId } from "../core/ids.js";
import type { DeliveryRecord } from "../storage/ports.js";
import { readOptions, storeOptions, type DeliveryDefaults } from "./delivery-options.js";
import { setHeader, toStoredRequest } from "./outbound-request.js";
import { resolvePolicy, type DeliveryMode } from "./retry-policy.js";
import { formatTraceHeader, TRACE_HEADER } from "./trace-header.js";
import type { DeliveryOptions, OutboundRequest } from "./types.js";

/** A new delivery: the call caused by `options.traceId` (or a new trace) goes one level deeper. */
export function newDeliveryRecord(request: OutboundRequest, options: DeliveryOptions, mode: DeliveryMode, now: number, random: Random, defaults: DeliveryDefaults): DeliveryRecord {
  const stored = toStoredRequest(request);
  const traceId = options.traceId ?? newId("trc", now, random);
  setHeader(stored.headers, TRACE_HEADER, formatTraceHeader({ traceId, depth: (options.traceDepth ?? 0) + 1 }));
  return {
    id: newId("dlv", now, random),
    webhookId: newId("msg", now, random),
    mode,
    sourceKind: options.source.kind,
    sourceId: options.source.id ?? null,
    request: stored,
    options: storeOptions(options, mode, defaults),
    status: "pending",
    attemptCount: 0,
    nextAttemptAt: null,
    createdAt: now,
    updatedAt: now,
    lastStatus: null,
    lastError: null,
    traceId,
    replayOf: null,
    leaseOwner: null,
    leaseUntil: null,
  };
}

/** A replay of `orig`: a new queued delivery, to another URL when given, with a new webhook id on request. */
export function replayRecord(orig: DeliveryRecord, opts: { url?: string; newId?: boolean }, now: number, random: Random, defaults: DeliveryDefaults): DeliveryRecord {
  const options = readOptions(orig, defaults);
  return {
    ...orig,
    request: opts.url !== undefined ? { ...orig.request, url: opts.url } : orig.request,
    id: newId("dlv", now, random),
    webhookId: opts.newId ? newId("msg", now, random) : orig.webhookId,
    mode: "queued",
    sourceKind: "replay",
    // A replay is always queued: an awaited original gets the queued policy.
    options: { ...options, policy: resolvePolicy(options.retry, "queued", defaults.retry) },
    attemptCount: 0,
    createdAt: now,
    updatedAt: now,
    lastStatus: null,
    lastError: null,
    replayOf: orig.id,
  };
}
