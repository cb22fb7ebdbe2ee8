// Deliveries: every outbound call with its attempts; replay, resend elsewhere, bulk recovery.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, saveBlob } from "./api.js";
import { deliveryRow } from "./feed.js";
import { live, onTick } from "./live.js";
import { Badge, copyText, curlFor, ErrorText, fmtMs, fmtTime, Headers, html, link, relative, statusClass, withQuery } from "./util.js";

const STATUSES = ["", "pending", "in_flight", "succeeded", "failed", "dead"];

/** Refetches when the stream says something about the deliveries shown (at most once a second). */
function useLiveRefetch(load, interesting, deps) {
  const timer = useRef(null);
  useEffect(() => {
    load();
    const off = onTick((events) => {
      if (!events.some((e) => e.delivery && interesting(e.delivery))) return;
      timer.current ??= setTimeout(() => ((timer.current = null), load()), 300);
    });
    return () => (off(), clearTimeout(timer.current), (timer.current = null));
  }, deps);
}

function Recover({ onDone }) {
  const [since, setSince] = useState(() => new Date(Date.now() - 3600_000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16));
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const go = async () => {
    try {
      setResult(await api("/deliveries/recover", { method: "POST", body: { since: new Date(since).toISOString() } }));
      setError(null);
      onDone();
    } catch (e) {
      setError(e);
    }
  };
  return html`<div class="toolbar">
    <label>Recover failed since <input type="datetime-local" aria-label="Recover failed since" value=${since} onInput=${(e) => setSince(e.target.value)} /></label>
    <button onClick=${go}>Recover failed</button>
    ${result ? html`<span role="status">${result.count} deliveries queued again.</span>` : null}
    <${ErrorText} error=${error} />
  </div>`;
}

export function DeliveriesView({ query }) {
  const status = query.status || "";
  const [rows, setRows] = useState(null);
  const [error, setError] = useState(null);
  const load = () => api(withQuery("/deliveries", { status, limit: 200 })).then((l) => (setRows(l.map(deliveryRow)), setError(null)), setError);
  useLiveRefetch(load, () => true, [status]);
  return html`<div>
    <h2>Deliveries</h2>
    <div class="filters">
      <label>Status<select aria-label="Status" value=${status} onChange=${(e) => (location.hash = withQuery("#/deliveries", { status: e.target.value }))}>
        ${STATUSES.map((s) => html`<option key=${s} value=${s}>${s || "any"}</option>`)}</select></label>
    </div>
    <${Recover} onDone=${load} />
    <${ErrorText} error=${error} />
    <table aria-label="Deliveries">
      <thead><tr><th>created</th><th>status</th><th>target</th><th>source</th><th>attempts</th><th>last</th><th>next retry</th></tr></thead>
      <tbody>${(rows || []).map((d) => html`<tr key=${d.id}>
        <td class="mono">${fmtTime(d.time)}</td>
        <td><${Badge} value=${d.state} /></td>
        <td class="mono"><a href=${link("deliveries", d.id)}>${d.method} ${d.path}</a></td>
        <td class="mono">${d.source}${d.routeId ? ` ${d.routeId}` : ""}</td>
        <td>${d.attempts}</td>
        <td class=${statusClass(d.status)}>${d.status || "—"}</td>
        <td>${d.state === "pending" ? relative(d.nextAttemptAt) : "—"}</td>
      </tr>`)}</tbody>
    </table>
    ${rows && rows.length === 0 ? html`<p class="muted">No deliveries${status ? ` with status ${status}` : ""}.</p>` : null}
  </div>`;
}

/** Each attempt on a time axis: a dot per attempt, coloured by outcome, with the wait between. */
function AttemptsChart({ attempts }) {
  if (!attempts.length) return null;
  const t0 = attempts[0].startedAt;
  const span = Math.max(1, attempts[attempts.length - 1].startedAt + attempts[attempts.length - 1].durationMs - t0);
  const x = (t) => 20 + ((t - t0) / span) * 560;
  return html`<svg width="600" height="50" role="img" aria-label="Attempts timeline chart">
    <line x1="20" y1="25" x2="580" y2="25" stroke="#d9dee3" />
    ${attempts.map((a) => {
      const ok = a.response && a.response.status < 400;
      return html`<g key=${a.number}><circle cx=${x(a.startedAt)} cy="25" r="7" fill=${ok ? "#1f7a3d" : "#b3261e"} />
        <text x=${x(a.startedAt)} y="12" text-anchor="middle">#${a.number}</text>
        <text x=${x(a.startedAt)} y="46" text-anchor="middle">${a.response ? a.response.status : "err"}</text></g>`;
    })}
  </svg>`;
}

export function DeliveryView({ id }) {
  const [d, setD] = useState(null);
  const [error, setError] = useState(null);
  const [msg, setMsg] = useState(null);
  const [resendUrl, setResendUrl] = useState("");
  const [curl, setCurl] = useState(null);
  const load = () => api(`/deliveries/${encodeURIComponent(id)}`).then((x) => (setD(x), setError(null)), setError);
  useLiveRefetch(load, (s) => s.id === id, [id]);
  // Another delivery (after Replay): its own cURL and resend target; the "queued as" note stays.
  useEffect(() => (setCurl(null), setResendUrl("")), [id]);
  if (error && !d) return html`<${ErrorText} error=${error} />`;
  if (!d) return html`<p class="muted">Loading…</p>`;
  const act = async (path, body) => {
    try {
      const r = await api(path, { method: "POST", body: body ?? {} });
      location.hash = link("deliveries", r.id);
      setMsg(`Queued as ${r.id}`);
    } catch (e) {
      setError(e);
    }
  };
  const last = d.attempts[d.attempts.length - 1];
  const sent = last ? last.request : d.request;
  const copyCurl = async () => {
    const text = curlFor({ method: sent.method, url: sent.url, headers: sent.headers, body: sent.body });
    setCurl({ text, copied: await copyText(text) });
  };
  const fixture = () => saveBlob(new Blob([JSON.stringify(d, null, 2)], { type: "application/json" }), `${d.id}.json`);
  const summary = live.deliveries.get(d.id);
  return html`<div>
    <p><a href="#/deliveries">← Deliveries</a></p>
    <h2><span class="mono">${d.request.method} ${d.request.url}</span> <${Badge} value=${d.status} /></h2>
    <div class="toolbar">
      <button onClick=${() => act(`/deliveries/${d.id}/replay`)}>Replay</button>
      <button onClick=${() => act(`/deliveries/${d.id}/replay?new_id=true`)}>Replay with new id</button>
      <label>Resend to <input aria-label="Resend to URL" placeholder="http://127.0.0.1:4000/hooks" value=${resendUrl} onInput=${(e) => setResendUrl(e.target.value)} /></label>
      <button disabled=${!resendUrl} onClick=${() => act(`/deliveries/${d.id}/resend`, { url: resendUrl })}>Resend</button>
      <button onClick=${copyCurl}>Copy as cURL</button>
      <button onClick=${fixture}>Download as fixture</button>
    </div>
    ${msg ? html`<p role="status">${msg}</p>` : null}
    <${ErrorText} error=${error} />
    ${curl ? html`<p class="note" role="status">${curl.copied ? "Copied." : "Copy it from here:"}</p><pre aria-label="cURL command">${curl.text}</pre>` : null}
    <section class="panel">
      <dl class="kv">
        <dt>id</dt><dd class="mono">${d.id}</dd>
        <dt>webhook-id</dt><dd class="mono">${d.webhookId}</dd>
        <dt>source</dt><dd>${d.sourceKind} ${d.sourceId || ""}</dd>
        <dt>mode</dt><dd>${d.mode}</dd>
        <dt>attempts</dt><dd aria-label="Attempt count">${d.attemptCount}</dd>
        <dt>created</dt><dd>${fmtTime(d.createdAt)}</dd>
        <dt>next retry</dt><dd>${d.status === "pending" ? `${fmtTime(d.nextAttemptAt)} (${relative(d.nextAttemptAt)})` : "—"}</dd>
        ${d.replayOf ? html`<dt>replay of</dt><dd><a href=${link("deliveries", d.replayOf)}>${d.replayOf}</a></dd>` : null}
        ${d.lastError ? html`<dt>last error</dt><dd class="error">${d.lastError}</dd>` : null}
        ${summary && summary.attemptCount !== d.attemptCount ? html`<dt>live</dt><dd>${summary.status}, ${summary.attemptCount} attempts</dd>` : null}
      </dl>
    </section>
    <section class="panel" aria-label="Attempts timeline">
      <h3>Attempts timeline</h3>
      <${AttemptsChart} attempts=${d.attempts} />
      <ol class="timeline">${d.attempts.map((a) => html`<li key=${a.id}>
        <strong>#${a.number}</strong> ${fmtTime(a.startedAt)} ·
        ${a.response ? html`<span class=${statusClass(a.response.status)}>HTTP ${a.response.status}</span>` : html`<span class="error">no answer</span>`} ·
        ${fmtMs(a.durationMs)}
        ${a.error ? html` · <span class="error">${a.error.code}: ${a.error.message}</span>` : null}
        ${a.nextDelayMs !== null ? html` · next attempt after ${fmtMs(a.nextDelayMs)}` : null}
        <details><summary>request and response</summary>
          <h4>Request as sent</h4><${Headers} headers=${a.request.headers} /><pre>${a.request.body || ""}</pre>
          ${a.response ? html`<h4>Response</h4><${Headers} headers=${a.response.headers} /><pre>${a.response.body}</pre>${a.response.truncated ? html`<p class="note">truncated</p>` : null}` : null}
        </details>
      </li>`)}</ol>
      ${d.attempts.length === 0 ? html`<p class="muted">No attempt yet.</p>` : null}
    </section>
  </div>`;
}
