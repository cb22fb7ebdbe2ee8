// Export: the journal, deliveries, or a filtered view, as HAR 1.2 or NDJSON.
import { useState } from "preact/hooks";
import { download } from "./api.js";
import { ErrorText, html, withQuery } from "./util.js";

export function ExportView({ query }) {
  const [f, setF] = useState({ kind: query.kind || "requests", method: query.method || "", path_contains: query.path || "", status_class: query.status || "", route: query.route || "", q: query.q || "", limit: "1000" });
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const go = (format) =>
    download(withQuery(`/export/${format}`, f), `mockforge.${format}`).then(() => setDone(`Saved mockforge.${format}`), setError);
  const field = (name, label) => html`<label>${label}<input aria-label=${label} value=${f[name]} onInput=${(e) => setF({ ...f, [name]: e.target.value })} /></label>`;
  return html`<div><h2>Export</h2>
    <div class="filters">
      <label>What<select aria-label="What" value=${f.kind} onChange=${(e) => setF({ ...f, kind: e.target.value })}>
        <option value="requests">requests received</option><option value="deliveries">deliveries made</option><option value="all">both</option></select></label>
      ${field("method", "Method")} ${field("path_contains", "Path contains")} ${field("status_class", "Status class")} ${field("route", "Route")} ${field("q", "Body text")} ${field("limit", "At most")}
    </div>
    <div class="toolbar"><button class="primary" onClick=${() => go("har")}>Export HAR</button><button onClick=${() => go("ndjson")}>Export NDJSON</button></div>
    ${done ? html`<p role="status">${done}</p>` : null}
    <${ErrorText} error=${error} />
    <p class="note">The same files come from <code>GET /__mockforge/export/har</code> and <code>/export/ndjson</code> with these query parameters. A single request or delivery is saved as a fixture from its own page.</p>
  </div>`;
}
