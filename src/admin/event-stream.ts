/**
 * `GET /__mockforge/events`: the event bus as server-sent events. Each client gets its own
 * subscription; events are batched per client (one socket write per tick, however many events
 * arrived) and a client that does not keep up is dropped, never buffered for without bound:
 * once more than `maxBufferedBytes` wait unsent for it, its connection is closed and it may
 * reconnect. A comment line every `heartbeatMs` keeps proxies from closing an idle stream.
 * Every event passes the same redaction as every other admin answer (redact.ts): signing
 * secrets, tokens and credential header values never reach a stream client whole.
 *
 * `max_rate=N` caps the `request.served` events a client gets at N a second: past it, the rest
 * of that second is counted, not serialized, and one `stream.skipped` event carries the count.
 * A load test serves tens of thousands of requests a second, and a page that shows none of them
 * (it shows an "n new events" counter then) should not make the server encode every one; the
 * journal still holds each. Without `max_rate` a client gets every event.
 */
import type { ServerResponse } from "node:http";
import type { Clock, TimerHandle } from "../core/clock.js";
import { EVENT_TYPES, type EventBus, type EventType, type MockForgeEvent } from "../core/event-bus.js";
import { MockForgeError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { AdminRoute } from "./admin-types.js";
import { qint, qstr } from "./query-params.js";
import { redactedJson } from "./redact.js";

export interface EventStreamOptions {
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  /** Bytes that may wait unsent for one client before it is dropped. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Default 15 s. */
  heartbeatMs?: number;
}

export interface EventStreams {
  route: AdminRoute;
  /** Clients connected now. */
  readonly clients: number;
  /** Clients dropped for being too slow since start. */
  readonly dropped: number;
  /** Ends every stream (server shutdown). */
  closeAll(): void;
}

export function createEventStreams(o: EventStreamOptions): EventStreams {
  const max = o.maxBufferedBytes ?? 1024 * 1024;
  const heartbeatMs = o.heartbeatMs ?? 15_000;
  const open = new Set<() => void>();
  let dropped = 0;

  const ctx: StreamContext = { o, max, heartbeatMs, open, dropped: () => dropped++ };

  return {
    route: {
      method: "GET",
      path: "/events",
      handler: async ({ query }) => {
        const types = parseTypes(qstr(query, "types"));
        const maxRate = qstr(query, "max_rate") === undefined ? undefined : qint(query, "max_rate", 1, 1, 1_000_000);
        return { status: 200, body: undefined, stream: (res, { reveal }) => attach(ctx, res, types, reveal, maxRate) };
      },
    },
    get clients() {
      return open.size;
    },
    get dropped() {
      return dropped;
    },
    closeAll() {
      for (const c of [...open]) c();
    },
  };
}

/** What every client's stream shares with the others. */
interface StreamContext {
  o: EventStreamOptions;
  max: number;
  heartbeatMs: number;
  /** The shutdown function of each open stream. */
  open: Set<() => void>;
  dropped: () => void;
}

/** One client's stream: its own subscription, batch, heartbeat and `max_rate` counter. */
function attach(ctx: StreamContext, res: ServerResponse, types: readonly EventType[], reveal: boolean, maxRate: number | undefined): void {
  const { o, max, heartbeatMs, open } = ctx;
  let queue: string[] = [];
  let queued = 0;
  let flushTimer: TimerHandle | undefined;
  let beat: TimerHandle | undefined;
  let closed = false;
  const cap = maxRate === undefined ? undefined : servedRateCap(maxRate, (skipped) => push(`event: stream.skipped\ndata: ${JSON.stringify({ type: "stream.skipped", eventType: "request.served", skipped })}\n\n`), o.clock);

  const close = (why: "slow" | "shutdown" | "gone") => {
    if (closed) return;
    closed = true;
    off();
    open.delete(shutdown);
    o.clock.clearTimeout(flushTimer);
    o.clock.clearTimeout(beat);
    cap?.stop();
    queue = [];
    if (why === "slow") {
      ctx.dropped();
      o.logger.warn({ waitingBytes: res.writableLength + queued, limit: max }, "event stream client too slow; dropped (it may reconnect)");
      res.destroy();
    } else if (why === "shutdown") res.end();
  };
  const shutdown = () => close("shutdown");
  const flush = () => {
    flushTimer = undefined;
    if (closed || queue.length === 0) return;
    const chunk = queue.length === 1 ? queue[0]! : queue.join("");
    queue = [];
    queued = 0;
    res.write(chunk);
    // What the socket has not taken yet stays in node's buffer: that is the bound we enforce.
    if (res.writableLength > max) close("slow");
  };
  const heartbeat = () => {
    if (closed) return;
    queue.push(": ping\n\n");
    flush();
    beat = o.clock.setTimeout(heartbeat, heartbeatMs);
  };
  const push = (text: string) => {
    if (closed) return;
    queue.push(text);
    queued += text.length;
    if (queued + res.writableLength > max) close("slow");
    else flushTimer ??= o.clock.setTimeout(flush, 0);
  };
  const off = o.bus.subscribe((e: MockForgeEvent) => {
    if (cap && e.type === "request.served" && !cap.take()) return;
    push(`id: ${e.seq}\nevent: ${e.type}\ndata: ${redactedJson(e, { reveal })}\n\n`);
  }, types);
  open.add(shutdown);
  res.on("close", () => close("gone"));
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no", connection: "keep-alive" });
  res.write(`retry: 2000\n: connected; types ${types.join(",")}\n\n`);
  beat = o.clock.setTimeout(heartbeat, heartbeatMs);
}

/** `types=request.served,delivery.*`: exact names, or a prefix ending in `.*`; empty = all. */
export function parseTypes(spec: string | undefined): EventType[] {
  if (!spec) return [...EVENT_TYPES];
  const out = new Set<EventType>();
  for (const raw of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    const matched = raw.endsWith(".*") ? EVENT_TYPES.filter((t) => t.startsWith(raw.slice(0, -1))) : EVENT_TYPES.filter((t) => t === raw);
    if (matched.length === 0) {
      throw new MockForgeError("MFG_ERR_BAD_REQUEST", `Unknown event type '${raw}'`, { hint: `Known types: ${EVENT_TYPES.join(", ")} (or a prefix such as delivery.*)` });
    }
    matched.forEach((t) => out.add(t));
  }
  return [...out];
}

/**
 * The `max_rate` counter of one client: `take()` says whether one more `request.served` event
 * fits in the current one-second window (windows start at the first event after the last one
 * ended). What does not fit is counted, and `skipped(n)` is called once when the window ends,
 * so a client learns how many it missed within a second. Windows run on the monotonic clock:
 * on the wall clock, a step back (an NTP correction) held a client in one window, its feed
 * stopped, for as long as the step.
 */
function servedRateCap(max: number, skipped: (n: number) => void, clock: Clock) {
  let windowEnd = Number.NEGATIVE_INFINITY;
  let sent = 0;
  let missed = 0;
  let timer: TimerHandle | undefined;
  const report = () => {
    timer = undefined;
    const n = missed;
    missed = 0;
    if (n > 0) skipped(n);
  };
  return {
    take(): boolean {
      const time = clock.monotonic();
      if (time >= windowEnd) {
        windowEnd = time + 1000;
        sent = 0;
      }
      if (++sent <= max) return true;
      if (missed++ === 0) timer = clock.setTimeout(report, Math.max(0, windowEnd - time));
      return false;
    },
    stop: () => clock.clearTimeout(timer),
  };
}
