/**
 * Connects the server's services to its event bus, in one place so the composition root
 * stays a list of calls: served requests, delivery changes (and their lifecycle events, sent
 * to `webhooks.events_url` when it is set). Chain, scenario and rule progress are published
 * by the domain services (`publishChainEvent`, `publishingRunStore`).
 */
import type { EventBus, EventPayloads } from "../core/event-bus.js";
import type { Logger } from "../core/logger.js";
import type { DeliveryEngine } from "../delivery/types.js";
import type { JournalEntry, DeliveryRecord } from "../storage/ports.js";
import { publishDeliveryEvents } from "./delivery-events.js";
import { sendLifecycleEvents } from "./events-webhook.js";

export interface WireEventsOptions {
  bus: EventBus;
  onEntry: (fn: (e: JournalEntry) => void) => () => void;
  deliveries: Pick<DeliveryEngine, "enqueue"> & { subscribe(fn: (d: DeliveryRecord) => void): () => void };
  /** `webhooks.events_url`. */
  eventsUrl: string | undefined;
  /** `webhooks.events_failing_after`. */
  failingAfter: number;
  logger: Logger;
}

/** Returns the function that disconnects everything. */
export function wireEvents(o: WireEventsOptions): () => void {
  const { bus } = o;
  const offs = [
    o.onEntry((e) => {
      if (!bus.wants("request.served")) return;
      const served: EventPayloads["request.served"] = {
        id: e.id,
        method: e.method,
        path: e.path,
        status: e.status,
        routeId: e.routeId,
        durationMs: e.durationMs,
        bodyBytes: e.rawBody.length,
        traceId: e.traceId,
      };
      // Set, not spread in: a conditional spread in the literal cost 0.5 µs per request (Node 20).
      if (e.signature) served.signature = e.signature;
      bus.publish("request.served", served);
    }),
    publishDeliveryEvents((fn) => o.deliveries.subscribe(fn), bus, o.failingAfter),
  ];
  if (o.eventsUrl) offs.push(sendLifecycleEvents({ bus, deliveries: o.deliveries, url: o.eventsUrl, logger: o.logger }));
  return () => offs.forEach((off) => off());
}
