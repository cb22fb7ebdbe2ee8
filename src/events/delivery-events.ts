/**
 * Turns the delivery engine's status changes into bus events: `delivery.queued`,
 * `delivery.attempt`, `delivery.finished`, and the lifecycle events a receiver's owner wants to
 * be told about (`delivery.failing` once the Nth attempt in a row failed, `delivery.dead`,
 * `delivery.recovered` when a delivery reported failing succeeds after all).
 */
import type { DeliverySummary, EventBus, EventType } from "../core/event-bus.js";
import type { DeliveryRecord } from "../storage/ports.js";

export type DeliveryEventType = Extract<EventType, `delivery.${string}`>;

/** Deliveries made to tell about deliveries are not reported on themselves (no feedback loop). */
export const EVENTS_SOURCE_KIND = "events";

export function summarize(d: DeliveryRecord): DeliverySummary {
  return {
    id: d.id,
    webhookId: d.webhookId,
    method: d.request.method,
    url: d.request.url,
    status: d.status,
    sourceKind: d.sourceKind,
    sourceId: d.sourceId,
    attemptCount: d.attemptCount,
    nextAttemptAt: d.nextAttemptAt,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    createdAt: d.createdAt,
    replayOf: d.replayOf,
    traceId: d.traceId,
  };
}

/**
 * What a change of one delivery means, as bus events, in publish order. Pure, so the rules
 * are tested without an engine: the engine reports a record once when stored (0 attempts),
 * once per claim (`in_flight`) and once after every attempt.
 */
export function deliveryEventsFor(d: DeliveryRecord, failingAfter: number): DeliveryEventType[] {
  if (d.attemptCount === 0) return d.status === "pending" || d.status === "in_flight" ? ["delivery.queued"] : ["delivery.finished"];
  if (d.status === "in_flight") return [];
  const out: DeliveryEventType[] = ["delivery.attempt"];
  const finished = d.status === "succeeded" || d.status === "failed" || d.status === "dead";
  if (finished) out.push("delivery.finished");
  if (d.sourceKind === EVENTS_SOURCE_KIND) return out;
  // Every attempt before the last one failed (a success ends the delivery), so attempt N of a
  // delivery still pending, or dead, is the Nth failure in a row.
  if (d.status === "pending" && d.attemptCount === failingAfter) out.push("delivery.failing");
  if (d.status === "dead") {
    if (d.attemptCount === failingAfter) out.push("delivery.failing");
    out.push("delivery.dead");
  }
  if (d.status === "succeeded" && d.attemptCount > failingAfter) out.push("delivery.recovered");
  return out;
}

/**
 * Publishes every change the engine reports. Returns the unsubscribe function.
 *
 * @example
 * const off = publishDeliveryEvents(engine.subscribe, bus, 3);
 */
export function publishDeliveryEvents(subscribe: (fn: (d: DeliveryRecord) => void) => () => void, bus: EventBus, failingAfter: number): () => void {
  return subscribe((d) => {
    const types = deliveryEventsFor(d, failingAfter);
    if (types.length === 0) return;
    let summary: DeliverySummary | null = null;
    for (const t of types) if (bus.wants(t)) bus.publish(t, { delivery: (summary ??= summarize(d)) });
  });
}
