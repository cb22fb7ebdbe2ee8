// Live feed: requests served and deliveries made, newest first. The first page comes from the
// admin API (paged, filtered on the server); then the event stream adds rows as they happen.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, download } from "./api.js";
import { live, onTick, resetRows, setPaused, showPending } from "./live.js";
import { Badge, ErrorText, fmtMs, fmtTime, html, link, statusClass, withQuery } from "./util.js";

const PAGE = 100;
const SHOWN = 200;
const METHODS = ["", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

export const requestRow = (e) => ({ kind: "request", key: e.id, time: e.time, id: e.id, method: e.method, path: e.path, status: e.status, routeId: e.routeId, durationMs: e.durationMs, signature: e.signature ?? null });

/** A received webhook's signature check, when its route has `verify` (the journal's `signature`). */
export function SignatureBadge({ signature }) {
  if (!signature) return null;
  const label = signature.valid ? "signature valid" : signature.reason === "bad_secret" || signature.reason === "unknown_secret" ? "signature: unknown secret" : "signature invalid";
  return html`<span class=${`badge ${signature.valid ? "succeeded" : "failed"}`} title=${signature.message || ""}>${label}</span>`;
}
export const deliveryRow = (d) => ({ kind: "delivery", key: d.id, time: d.createdAt, id: d.id, method: d.request?.method ?? d.method, path: d.request?.url ?? d.url, status: d.lastStatus ?? 0, state: d.status, attempts: d.attemptCount, routeId: d.sourceId, source: d.sourceKind, nextAttemptAt: d.nextAttemptAt });

function matches(r, f) {
  if (f.show && f.show !== `${r.kind}s`) return false;
  if (f.method && r.method !== f.method) return false;
  if (f.path && !r.path.includes(f.path)) return false;
  if (f.status && String(Math.floor(r.status / 100)) !== f.status[0]) return false;
  if (f.route && !(r.routeId || "").includes(f.route)) return false;
  if (f.q && r.kind !== "request") return false;
  return true;
}

/** The server's query for the journal part of a filter. */
export function journalQuery(f, extra = {}) {
  return withQuery("/requests", { method: f.method, path_contains: f.path, status_class: f.status, route: f.route, q: f.q, ...extra });
}

async function loadPage(f, offset) {
  const wantRequests = f.show !== "deliveries";
  const wantDeliveries = f.show !== "requests" && !f.q;
  const [reqs, dels] = await Promise.all([
    wantRequests ? api(journalQuery(f, { limit: PAGE, offset, body_limit: 0 })) : [],
    wantDeliveries ? api(withQuery("/deliveries", { limit: PAGE, offset })) : [],
  ]);
  return [...reqs.map(requestRow), ...dels.map(deliveryRow)].filter((r) => matches(r, f)).sort((a, b) => b.time - a.time);
}

function FeedRow({ r }) {
  const href = r.kind === "request" ? link("requests", r.id) : link("deliveries", r.id);
  return html`<tr>
    <td class="mono">${fmtTime(r.time)}</td>
    <td>${r.kind === "request" ? "→ in" : "← out"}</td>
    <td class="mono">${r.method}</td>
    <td class="mono"><a href=${href}>${r.path}</a> <${SignatureBadge} signature=${r.signature} /></td>
    <td>${r.kind === "delivery" ? html`<${Badge} value=${r.state} /> ` : null}${r.status ? html`<span class=${statusClass(r.status)}>${r.status}</span>` : null}</td>
    <td class="mono">${r.kind === "delivery" ? `${r.source}${r.routeId ? ` ${r.routeId}` : ""}` : r.routeId || html`<span class="muted">no route</span>`}</td>
    <td>${r.kind === "request" ? fmtMs(r.durationMs) : `${r.attempts} attempt${r.attempts === 1 ? "" : "s"}`}</td>
  </tr>`;
}

export function FeedView({ query }) {
  const f = { method: query.method || "", path: query.path || "", status: query.status || "", route: query.route || "", q: query.q || "", show: query.show || "" };
  const key = JSON.stringify(f);
  const [, setVersion] = useState(live.version);
  const [older, setOlder] = useState([]);
  const [offset, setOffset] = useState(0);
  const [error, setError] = useState(null);
  const [loading, setLoading] = useState(true);
  const refetch = useRef(null);

  useEffect(() => {
    let gone = false;
    setLoading(true);
    setOlder([]);
    setOffset(0);
    loadPage(f, 0)
      .then((rows) => {
        if (gone) return;
        resetRows(rows);
        setError(null);
        // Time to the first page of rows, from the start of navigation (read by the load test).
        if (window.mockforgeFirstRows === undefined) requestAnimationFrame(() => (window.mockforgeFirstRows = performance.now()));
      })
      .catch((e) => !gone && setError(e))
      .finally(() => !gone && setLoading(false));
    // Body text is not on the stream: with a text filter, new requests are looked up on the server.
    const off = onTick((events) => {
      setVersion(live.version);
      if (f.q && events.some((e) => e.type === "request.served") && !live.paused) {
        clearTimeout(refetch.current);
        refetch.current = setTimeout(() => loadPage(f, 0).then(resetRows).catch(setError), 1000);
      }
    });
    return () => ((gone = true), off(), clearTimeout(refetch.current));
  }, [key]);

  const set = (name, value) => {
    const next = { ...f, [name]: value };
    history.replaceState(null, "", withQuery("#/feed", next));
    dispatchEvent(new HashChangeEvent("hashchange"));
  };
  const rows = useMemo(() => live.rows.filter((r) => matches(r, f)), [live.version, key]);
  const shown = rows.slice(0, SHOWN);
  const seen = new Set(shown.map((r) => r.key));
  const more = older.filter((r) => !seen.has(r.key));

  const loadOlder = async () => {
    const next = offset + PAGE;
    try {
      const page = await loadPage(f, next);
      setOlder((o) => o.concat(page));
      setOffset(next);
    } catch (e) {
      setError(e);
    }
  };

  const input = (name, label, props = {}) =>
    html`<label>${label}<input aria-label=${label} value=${f[name]} onChange=${(e) => set(name, e.target.value.trim())} ...${props} /></label>`;

  return html`<div>
    <h2>Live feed</h2>
    <div class="filters" role="search">
      <label>Method<select aria-label="Method" value=${f.method} onChange=${(e) => set("method", e.target.value)}>
        ${METHODS.map((m) => html`<option key=${m} value=${m}>${m || "any"}</option>`)}</select></label>
      ${input("path", "Path contains", { placeholder: "/api/orders" })}
      <label>Status class<select aria-label="Status class" value=${f.status} onChange=${(e) => set("status", e.target.value)}>
        ${["", "2xx", "3xx", "4xx", "5xx"].map((s) => html`<option key=${s} value=${s}>${s || "any"}</option>`)}</select></label>
      ${input("route", "Route", { placeholder: "POST /api/orders" })}
      ${input("q", "Body text", { placeholder: "order.created" })}
      <label>Show<select aria-label="Show" value=${f.show} onChange=${(e) => set("show", e.target.value)}>
        <option value="">requests and deliveries</option><option value="requests">requests</option><option value="deliveries">deliveries</option></select></label>
    </div>
    <div class="toolbar">
      <button aria-pressed=${live.paused} onClick=${() => setPaused(!live.paused)}>${live.paused ? "Resume" : "Pause"}</button>
      <button onClick=${() => download(journalQuery(f, { limit: 1000 }).replace("/requests", "/export/har"), "mockforge-feed.har").catch(setError)}>Export view as HAR</button>
      <span class="note" aria-live="polite">${live.rate ? `${live.rate} events/s` : ""}</span>
    </div>
    ${live.pendingCount > 0
      ? html`<div class="newbar" role="status"><strong>${live.pendingCount} new events</strong>
          ${live.flooding ? html`<span class="note">arriving faster than the feed shows them</span>` : null}
          <button onClick=${showPending}>Show new events</button></div>`
      : null}
    <${ErrorText} error=${error} />
    <table aria-label="Feed">
      <thead><tr><th>time</th><th></th><th>method</th><th>path / target</th><th>status</th><th>route / source</th><th>took</th></tr></thead>
      <tbody>${shown.concat(more).map((r) => html`<${FeedRow} key=${r.key} r=${r} />`)}</tbody>
    </table>
    ${loading ? html`<p class="muted">Loading…</p>` : shown.length + more.length === 0 ? html`<p class="muted">Nothing yet. Send a request to this server and it shows up here.</p>` : null}
    <div class="toolbar"><button onClick=${loadOlder}>Load older</button></div>
  </div>`;
}
