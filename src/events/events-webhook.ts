/**
 * `webhooks.events_url`: delivery lifecycle events sent as webhooks, so whoever owns a receiver
 * hears that its deliveries are failing, dead, or recovered (what Svix calls operational
 * webhooks). They go through the delivery engine like any webhook (stored, signed with
 * `webhooks.signing`, retried); deliveries made here are never reported on themselves.
 */
import type { EventBus, MockForgeEvent } from "../core/event-bus.js";
import type { Logger } from "../core/logger.js";
import { describeError } from "../core/errors.js";
import type { DeliveryEngine } from "../delivery/types.js";
import { EVENTS_SOURCE_KIND } from "./delivery-events.js";

export const LIFECYCLE_EVENTS = ["delivery.failing", "delivery.dead", "delivery.recovered"] as const;

/** The body sent: Standard Webhooks' `{type, timestamp, data}` envelope. */
export function lifecycleBody(e: MockForgeEvent): { type: string; timestamp: string; data: unknown } {
  const { type, time, seq: _seq, ...data } = e;
  return { type, timestamp: new Date(time).toISOString(), data };
}

/**
 * @example
 * const off = sendLifecycleEvents({ bus, deliveries: engine, url: "http://127.0.0.1:4000/events", logger });
 */
export function sendLifecycleEvents(o: { bus: EventBus; deliveries: Pick<DeliveryEngine, "enqueue">; url: string; logger: Logger }): () => void {
  return o.bus.subscribe((e) => {
    o.deliveries
      .enqueue({ method: "POST", url: o.url, headers: { "content-type": "application/json" }, body: lifecycleBody(e) }, { source: { kind: EVENTS_SOURCE_KIND, id: e.type } })
      .catch((err: unknown) => o.logger.error({ err: describeError(err), type: e.type, url: o.url }, "could not queue a delivery lifecycle event"));
  }, LIFECYCLE_EVENTS);
}
