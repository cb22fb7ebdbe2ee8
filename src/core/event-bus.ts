/**
 * The one event bus: what the server does, as it happens. The admin event stream
 * (`GET /__mockforge/events`, the dashboard), delivery lifecycle webhooks (`webhooks.events_url`)
 * and CLI progress lines all read it; anything that wants to tell them something publishes here.
 *
 * Publishing is synchronous and cheap when nobody listens: call `bus.wants(type)` before
 * building an event whose payload costs something (a served request runs this once per request).
 * A listener that throws is logged and kept; it never breaks the publisher.
 *
 * To add an event: add its payload to `EventPayloads` (the key is the `type`), publish it where
 * it happens, and list it in docs/admin-api.md#events.
 */
import type { Logger } from "./logger.js";

/** A delivery as events carry it: enough to draw a row, without the request body. */
export interface DeliverySummary {
  id: string;
  webhookId: string;
  method: string;
  url: string;
  status: "pending" | "in_flight" | "succeeded" | "failed" | "dead";
  sourceKind: string;
  sourceId: string | null;
  attemptCount: number;
  nextAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  replayOf: string | null;
  traceId: string | null;
}

/** Every event type and its payload. */
export interface EventPayloads {
  /** A request was answered (mocked route, 404, admin call excluded). */
  "request.served": {
    id: string;
    method: string;
    path: string;
    status: number;
    routeId: string | null;
    durationMs: number;
    bodyBytes: number;
    traceId: string | null;
    /** The route's `verify` outcome (the journal's `signature`), so a live feed can badge it; absent without `verify`. */
    signature?: { valid: boolean; scheme: string; reason: string | null; message: string | null };
  };
  /** A delivery was stored (attempt count 0). */
  "delivery.queued": { delivery: DeliverySummary };
  /** An attempt ended; `delivery.status` says what comes next (`pending` = retry at `nextAttemptAt`). */
  "delivery.attempt": { delivery: DeliverySummary };
  /** A delivery reached `succeeded`, `failed` or `dead`. */
  "delivery.finished": { delivery: DeliverySummary };
  /** Lifecycle: the Nth attempt in a row failed (`webhooks.events_failing_after`), retries go on. */
  "delivery.failing": { delivery: DeliverySummary };
  /** Lifecycle: every attempt is used up. */
  "delivery.dead": { delivery: DeliverySummary };
  /** Lifecycle: a delivery that was reported failing succeeded. */
  "delivery.recovered": { delivery: DeliverySummary };
  /** A chain run started (`status: running`) or ended. */
  "chain.run": { runId: string; chainId: string; status: string; durationMs: number | null };
  /** A chain link started (`running`) or ended. */
  "chain.link": { runId: string; chainId: string; linkId: string; status: string; reason: string | null; durationMs: number | null };
  /** A scenario run's report was saved: at its start, after each step, at its end. */
  "scenario.step": { runId: string; scenario: string; status: string; step: string | null; stepStatus: string | null; stepsDone: number };
  /** A consistency rule run was recorded. */
  "rule.run": { runId: string; rule: string; status: string };
}

export type EventType = keyof EventPayloads;

/** What listeners receive: the payload plus its type, a per-process sequence number and the time. */
export type MockForgeEvent = { [K in EventType]: { type: K; seq: number; time: number } & EventPayloads[K] }[EventType];

export type EventListener = (event: MockForgeEvent) => void;

export const EVENT_TYPES: readonly EventType[] = [
  "request.served",
  "delivery.queued",
  "delivery.attempt",
  "delivery.finished",
  "delivery.failing",
  "delivery.dead",
  "delivery.recovered",
  "chain.run",
  "chain.link",
  "scenario.step",
  "rule.run",
];

export interface EventBus {
  /** True when some listener takes this type: check before building a costly payload. */
  wants(type: EventType): boolean;
  /** `payload` becomes the event (gains `type`, `seq`, `time`): pass a fresh object. */
  publish<K extends EventType>(type: K, payload: EventPayloads[K]): void;
  /** Listens to `types` (all when omitted); returns the unsubscribe function. */
  subscribe(listener: EventListener, types?: readonly EventType[]): () => void;
  /** How many listeners are attached (tests, health). */
  readonly listenerCount: number;
}

/**
 * @example
 * const bus = createEventBus({ now: clock.now, logger });
 * const off = bus.subscribe((e) => console.log(e.type, e.seq), ["delivery.dead"]);
 * bus.publish("delivery.dead", { delivery });
 * off();
 */
export function createEventBus(o: { now: () => number; logger: Logger }): EventBus {
  const byType = new Map<EventType, Set<EventListener>>(EVENT_TYPES.map((t) => [t, new Set<EventListener>()]));
  let seq = 0;
  let count = 0;
  return {
    wants: (type) => byType.get(type)!.size > 0,
    publish(type, payload) {
      const listeners = byType.get(type)!;
      if (listeners.size === 0) return;
      // The payload becomes the event (every publisher passes a fresh literal): a dashboard pays
      // this per request served, and a copy cost more than the rest of publishing. Never
      // `{ ...payload, type }`: on Node 20 each property added after a spread costs ~1.5 µs.
      const event = payload as unknown as { type: EventType; seq: number; time: number };
      event.type = type;
      event.seq = ++seq;
      event.time = o.now();
      for (const l of listeners) {
        try {
          l(event as unknown as MockForgeEvent);
        } catch (e) {
          o.logger.error({ err: String(e), type }, "event listener failed");
        }
      }
    },
    subscribe(listener, types = EVENT_TYPES) {
      const sets = types.map((t) => byType.get(t)!);
      for (const s of sets) s.add(listener);
      count++;
      return () => {
        if (!sets.some((s) => s.delete(listener))) return;
        for (const s of sets) s.delete(listener);
        count--;
      };
    },
    get listenerCount() {
      return count;
    },
  };
}
