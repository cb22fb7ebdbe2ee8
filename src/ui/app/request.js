// Request detail: what arrived, how it was answered, and what it set off.
import { useEffect, useState } from "preact/hooks";
import { api, apiText, saveBlob } from "./api.js";
import { deliveryRow, SignatureBadge } from "./feed.js";
import { Badge, copyText, curlFor, ErrorText, fmtBytes, fmtMs, fmtTime, Headers, html, JsonTree, link, statusClass } from "./util.js";

const BODY_LIMIT = 64 * 1024;

function Body({ entry }) {
  const [chosen, setMode] = useState(null);
  const [rest, setRest] = useState(null);
  const [error, setError] = useState(null);
  if (!entry.rawBodyLength) return html`<p class="muted">No body.</p>`;
  if (entry.rawBodyEncoding === "base64") {
    const bytes = atob(entry.rawBody.slice(0, 4096 - (4096 % 4)));
    const hex = Array.from(bytes.slice(0, 256), (c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join(" ");
    return html`<p>Binary body (not UTF-8), ${entry.rawBodyTruncated ? "more than " : ""}${fmtBytes(Math.floor((entry.rawBodyLength * 3) / 4))}. First bytes:</p><pre>${hex}</pre>`;
  }
  const text = rest ?? entry.rawBody;
  let parsed;
  try {
    parsed = entry.body !== null && typeof entry.body === "object" && !rest ? entry.body : JSON.parse(text);
  } catch {}
  const canPretty = parsed !== undefined && typeof parsed === "object" && parsed !== null;
  // Pretty when the body is JSON we have whole; a cut body is raw until its rest is loaded.
  const mode = chosen ?? (canPretty ? "pretty" : "raw");
  const loadRest = () => {
    setMode(mode);
    apiText(`/requests/${entry.id}/body`).then(setRest, setError);
  };
  return html`<div>
    <div class="toolbar" role="group" aria-label="Body view">
      <button aria-pressed=${mode === "pretty" && canPretty} disabled=${!canPretty} onClick=${() => setMode("pretty")}>Pretty</button>
      <button aria-pressed=${mode === "raw" || !canPretty} onClick=${() => setMode("raw")}>Raw</button>
      <span class="note">${fmtBytes(entry.rawBodyLength)}</span>
    </div>
    ${mode === "pretty" && canPretty ? html`<div class="mono" aria-label="Pretty body"><${JsonTree} value=${parsed} /></div>` : html`<pre aria-label="Raw body">${text}</pre>`}
    ${entry.rawBodyTruncated && !rest
      ? html`<p class="note">Showing the first ${fmtBytes(entry.rawBody.length)} of ${fmtBytes(entry.rawBodyLength)}. <button onClick=${loadRest}>Load the rest</button></p>`
      : null}
    <${ErrorText} error=${error} />
  </div>`;
}

function Promote({ entry }) {
  const [preview, setPreview] = useState(null);
  const [status, setStatus] = useState("");
  const [body, setBody] = useState("");
  const [done, setDone] = useState(null);
  const [error, setError] = useState(null);
  const open = () =>
    api(`/requests/${entry.id}/promote`).then((p) => {
      setPreview(p);
      setStatus(String(p.route.response.status));
      setBody(JSON.stringify(p.route.response.body, null, 2));
    }, setError);
  const confirm = async () => {
    try {
      const route = { ...preview.route, response: { ...preview.route.response, status: Number(status), body: JSON.parse(body) } };
      setDone(await api("/routes", { method: "POST", body: route }));
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  if (!preview) return html`<button onClick=${open}>Promote to route</button><${ErrorText} error=${error} />`;
  return html`<section class="panel" aria-label="Promote to route">
    <h3>Promote to route</h3>
    <p class="note">${preview.exists ? "A route with this method and path exists: adding this one is refused (409)." : "Added at run time, no restart; checked like any route."}</p>
    <pre aria-label="Route YAML">${preview.yaml}</pre>
    <div class="filters">
      <label>Response status<input aria-label="Response status" value=${status} onInput=${(e) => setStatus(e.target.value)} size="4" /></label>
      <label>Response body (JSON)<textarea aria-label="Response body (JSON)" rows="4" cols="50" value=${body} onInput=${(e) => setBody(e.target.value)} /></label>
    </div>
    <div class="toolbar">
      <button class="primary" onClick=${confirm} disabled=${!!done}>Add route</button>
      <button onClick=${() => setPreview(null)}>Cancel</button>
    </div>
    ${done ? html`<p role="status">Route <code>${done.id}</code> added.</p>` : null}
    <${ErrorText} error=${error} />
  </section>`;
}

export function RequestView({ id }) {
  const [entry, setEntry] = useState(null);
  const [triggered, setTriggered] = useState([]);
  const [error, setError] = useState(null);
  const [curl, setCurl] = useState(null);
  useEffect(() => {
    setEntry(null);
    api(`/requests/${encodeURIComponent(id)}?body_limit=${BODY_LIMIT}`).then((e) => {
      setEntry(e);
      // What a request sets off carries its trace: the one it arrived with, or the one its id names (`trc_` + the same suffix).
      const trace = e.traceId || id.replace(/^req_/, "trc_");
      return api(`/deliveries?trace=${encodeURIComponent(trace)}&since=${e.time}&limit=50`).then(setTriggered);
    }).catch(setError);
  }, [id]);
  if (error) return html`<${ErrorText} error=${error} />`;
  if (!entry) return html`<p class="muted">Loading…</p>`;
  const url = location.origin + entry.url;
  const copyCurl = async () => {
    const body = entry.rawBodyTruncated ? await apiText(`/requests/${entry.id}/body`) : entry.rawBody;
    const text = curlFor({ method: entry.method, url, headers: entry.headers, body, binary: entry.rawBodyEncoding === "base64" });
    setCurl({ text, copied: await copyText(text) });
  };
  const fixture = () => saveBlob(new Blob([JSON.stringify({ method: entry.method, url: entry.url, headers: entry.headers, body: entry.rawBody, bodyEncoding: entry.rawBodyEncoding }, null, 2)], { type: "application/json" }), `${entry.id}.json`);
  return html`<div>
    <p><a href="#/feed">← Live feed</a></p>
    <h2><span class="mono">${entry.method} ${entry.path}</span> <span class=${statusClass(entry.status)}>${entry.status}</span></h2>
    <div class="toolbar">
      <button onClick=${copyCurl}>Copy as cURL</button>
      <${Promote} entry=${entry} />
      <button onClick=${fixture}>Download as fixture</button>
    </div>
    ${curl ? html`<p class="note" role="status">${curl.copied ? "Copied." : "Copy it from here:"}</p><pre aria-label="cURL command">${curl.text}</pre>` : null}
    <div class="grid2">
      <section class="panel"><h3>Request</h3>
        <dl class="kv">
          <dt>id</dt><dd class="mono">${entry.id}</dd>
          <dt>received</dt><dd>${fmtTime(entry.time)}</dd>
          <dt>url</dt><dd class="mono">${entry.url}</dd>
          <dt>route</dt><dd>${entry.routeId ? html`<code>${entry.routeId}</code>` : html`<span class="muted">none matched</span>`}</dd>
          <dt>status</dt><dd>${entry.status}</dd>
          <dt>timing</dt><dd>${fmtMs(entry.durationMs)}</dd>
          <dt>trace</dt><dd class="mono">${entry.traceId || "—"}</dd>
          ${entry.signature ? html`<dt>signature</dt><dd><${SignatureBadge} signature=${entry.signature} /> ${entry.signature.scheme} ${entry.signature.message || ""}</dd>` : null}
          ${entry.notes?.length ? html`<dt>notes</dt><dd>${entry.notes.join("; ")}</dd>` : null}
        </dl>
      </section>
      <section class="panel"><h3>Triggered</h3>
        ${triggered.length
          ? html`<ul>${triggered.map(deliveryRow).map((d) => html`<li key=${d.id}><a href=${link("deliveries", d.id)}>${d.method} ${d.path}</a> <${Badge} value=${d.state} /> ${d.attempts} attempts</li>`)}</ul>`
          : html`<p class="muted">No webhooks or calls.</p>`}
        <p class="note"><a href=${`#/scenarios`}>Rule runs and script logs</a></p>
      </section>
    </div>
    <section class="panel"><h3>Headers</h3><${Headers} headers=${entry.headers} /></section>
    <section class="panel"><h3>Body</h3><${Body} entry=${entry} /></section>
  </div>`;
}
