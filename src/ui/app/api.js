// Talks to the admin API only. The admin token, when the server has one, is asked for once,
// kept in sessionStorage (gone when the tab closes) and sent as a header: never in a URL, so it
// never lands in a log. The event stream is read with fetch for the same reason (EventSource
// cannot send headers).
export const BASE = "/__mockforge";
const TOKEN_KEY = "mockforge.token";

export const auth = { needed: false, listeners: new Set() };
export const getToken = () => sessionStorage.getItem(TOKEN_KEY) || "";
export function setToken(t) {
  if (t) sessionStorage.setItem(TOKEN_KEY, t);
  else sessionStorage.removeItem(TOKEN_KEY);
  auth.needed = false;
  auth.listeners.forEach((l) => l());
}
function headers(extra = {}) {
  const t = getToken();
  return t ? { ...extra, authorization: `Bearer ${t}` } : extra;
}
function unauthorized() {
  auth.needed = true;
  auth.listeners.forEach((l) => l());
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/** JSON in, JSON out; writes always send JSON (the admin API takes nothing else). */
export async function api(path, { method = "GET", body } = {}) {
  const res = await fetch(BASE + path, {
    method,
    headers: headers(body === undefined ? {} : { "content-type": "application/json" }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401) unauthorized();
  const text = await res.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {}
  if (!res.ok) throw new ApiError(res.status, parsed);
  return parsed;
}

/** The raw text of an admin answer (request bodies, exports). */
export async function apiText(path) {
  const res = await fetch(BASE + path, { headers: headers() });
  if (res.status === 401) unauthorized();
  if (!res.ok) throw new ApiError(res.status, null);
  return res.text();
}

/** Saves an admin answer as a file (exports), through fetch so the token stays in a header. */
export async function download(path, name) {
  const res = await fetch(BASE + path, { headers: headers() });
  if (!res.ok) throw new ApiError(res.status, null);
  saveBlob(await res.blob(), name);
}

export function saveBlob(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

// Past this many served requests a second the feed only counts them ("n new events"), so the
// server is asked to send no more and to count the rest (a `stream.skipped` event): encoding
// every request of a load test for a page that shows none of them cost the server a third of
// its throughput. 4 ticks a second of FLOOD_PER_TICK (live.js) is 600; the feed floods below it.
const MAX_SERVED_PER_SECOND = 500;

/**
 * Reads GET /events and calls `onEvents(batch)` with every parsed event of a network chunk
 * (one call per chunk, however many events it holds). Reconnects after a drop.
 */
export function openEventStream(onEvents, onState) {
  let stopped = false;
  let ctrl = null;
  async function run() {
    while (!stopped) {
      ctrl = new AbortController();
      try {
        const res = await fetch(`${BASE}/events?max_rate=${MAX_SERVED_PER_SECOND}`, { headers: headers(), signal: ctrl.signal });
        if (res.status === 401) {
          unauthorized();
          onState("down");
          await new Promise((r) => auth.listeners.add(function once() { auth.listeners.delete(once); r(); }));
          continue;
        }
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        onState("live");
        const reader = res.body.getReader();
        const dec = new TextDecoder();
        let buf = "";
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buf += dec.decode(value, { stream: true });
          const cut = buf.lastIndexOf("\n\n");
          if (cut < 0) continue;
          const blocks = buf.slice(0, cut).split("\n\n");
          buf = buf.slice(cut + 2);
          const batch = [];
          for (const b of blocks) {
            const i = b.indexOf("\ndata: ");
            if (i >= 0) batch.push(JSON.parse(b.slice(i + 7)));
          }
          if (batch.length) onEvents(batch);
        }
      } catch (e) {
        if (stopped) return;
      }
      onState("down");
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  run();
  return () => {
    stopped = true;
    ctrl?.abort();
  };
}
