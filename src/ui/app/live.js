// The page's one subscription to the event stream, shared by every view. Events are taken in
// as fast as they come but views are told at most every TICK_MS, and the feed stops inserting
// rows when more than FLOOD_PER_TICK arrive per tick (it shows an "n new events" counter
// instead), so a flood of 10,000 events a second never turns into 10,000 renders.
import { openEventStream } from "./api.js";

const TICK_MS = 250;
const FLOOD_PER_TICK = 150;
const MAX_ROWS = 500;
const MAX_PENDING = 2000;

export const live = {
  state: "connecting",
  /** Feed rows shown, newest first: {kind: "request"|"delivery", key, time, ...}. */
  rows: [],
  /** Rows that arrived while paused or flooded, newest first (bounded); `pendingCount` counts all. */
  pending: [],
  pendingCount: 0,
  paused: false,
  flooding: false,
  /** Events per second, measured over the last tick. */
  rate: 0,
  /** Latest summary per delivery id seen on the stream. */
  deliveries: new Map(),
  /** Bumped on every tick that changed something; views compare it. */
  version: 0,
};

const listeners = new Set();
/** Subscribes to ticks; `fn(events)` gets the raw events of the tick. Returns the unsubscribe. */
export function onTick(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

let tickEvents = [];
/** Served requests the server counted but did not send this tick (`stream.skipped`). */
let tickSkipped = 0;
/** Events per tick over the last second (rate). */
const recent = [];
let lastTickAt = 0;
let timer = null;
let quietTicks = 0;

function rowOf(e) {
  if (e.type === "request.served") return { kind: "request", key: e.id, time: e.time, id: e.id, method: e.method, path: e.path, status: e.status, routeId: e.routeId, durationMs: e.durationMs, signature: e.signature ?? null };
  const d = e.delivery;
  return { kind: "delivery", key: d.id, time: d.createdAt, id: d.id, method: d.method, path: d.url, status: d.lastStatus ?? 0, state: d.status, attempts: d.attemptCount, routeId: d.sourceId, source: d.sourceKind, nextAttemptAt: d.nextAttemptAt };
}

function take(batch) {
  for (const e of batch) {
    if (e.type === "stream.skipped") {
      tickSkipped += e.skipped;
      continue;
    }
    if (e.delivery) live.deliveries.set(e.delivery.id, e.delivery);
    tickEvents.push(e);
  }
  if (live.deliveries.size > 5000) live.deliveries = new Map([...live.deliveries].slice(-2500));
  timer ??= setTimeout(tick, TICK_MS);
}

function merge(into, fresh) {
  // A delivery's row is updated in place (attempts, status); new rows go on top.
  const byKey = new Map(into.map((r, i) => [r.key, i]));
  const out = into.slice();
  const added = [];
  for (const r of fresh) {
    const i = byKey.get(r.key);
    if (i !== undefined) out[i] = { ...out[i], ...r, time: out[i].time };
    else {
      byKey.set(r.key, -1);
      added.push(r);
    }
  }
  added.reverse();
  return added.concat(out.filter((r) => r)).slice(0, MAX_ROWS);
}

function tick() {
  timer = null;
  const events = tickEvents;
  const skipped = tickSkipped;
  tickEvents = [];
  tickSkipped = 0;
  // Over the last second, not the last tick: the server counts what a capped stream skips
  // once a second, so a tick-long window would swing between the cap and ten times it.
  // Ticks run only while events come: after a quiet spell the old ones no longer count.
  const now = Date.now();
  if (now - lastTickAt > 2 * TICK_MS) recent.length = 0;
  lastTickAt = now;
  recent.push(events.length + skipped);
  if (recent.length > 1000 / TICK_MS) recent.shift();
  live.rate = Math.round((recent.reduce((a, b) => a + b, 0) * 1000) / (recent.length * TICK_MS));
  const rows = events.filter((e) => e.type === "request.served" || e.delivery).map(rowOf);
  const dedup = new Map();
  for (const r of rows) dedup.set(r.key, { ...dedup.get(r.key), ...r });
  const fresh = [...dedup.values()];
  if (skipped > 0 || events.length > FLOOD_PER_TICK) {
    live.flooding = true;
    quietTicks = 0;
  } else if (live.flooding && ++quietTicks >= 4) live.flooding = false;
  if (live.paused || live.flooding) {
    live.pendingCount += fresh.length + skipped;
    live.pending = fresh.reverse().concat(live.pending).slice(0, MAX_PENDING);
  } else if (fresh.length) live.rows = merge(live.rows, fresh);
  live.version++;
  for (const l of listeners) l(events);
}

/** Puts what waited (paused or flooded) into the feed. */
export function showPending() {
  live.rows = merge(live.rows, live.pending.slice().reverse());
  live.pending = [];
  live.pendingCount = 0;
  live.version++;
  for (const l of listeners) l([]);
}

export function setPaused(p) {
  live.paused = p;
  if (!p && !live.flooding) showPending();
  else {
    live.version++;
    for (const l of listeners) l([]);
  }
}

/** Replaces the feed's rows (a fresh page from the server after a filter change). */
export function resetRows(rows) {
  live.rows = rows.slice(0, MAX_ROWS);
  live.pending = [];
  live.pendingCount = 0;
  live.version++;
  for (const l of listeners) l([]);
}

let stop = null;
export function startLive() {
  stop ??= openEventStream(take, (s) => {
    live.state = s;
    live.version++;
    for (const l of listeners) l([]);
  });
}
