import { h } from "preact";
import htm from "htm";

export const html = htm.bind(h);

export const fmtTime = (ms) => (ms ? new Date(ms).toISOString().replace("T", " ").slice(0, 23) : "—");
export const fmtMs = (ms) => (ms === null || ms === undefined ? "—" : ms < 1000 ? `${Math.round(ms * 10) / 10} ms` : `${(ms / 1000).toFixed(2)} s`);
export const statusClass = (s) => `s${Math.floor((s || 0) / 100)}`;
export const fmtBytes = (n) => (n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`);

export function relative(ms) {
  if (!ms) return "—";
  const d = Math.round((ms - Date.now()) / 1000);
  return d >= 0 ? `in ${d} s` : `${-d} s ago`;
}

/** The hash route: `#/deliveries/dlv_1?status=dead` → {parts: ["deliveries", "dlv_1"], query}. */
export function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path, qs] = raw.split("?");
  return { parts: path ? path.split("/").map(decodeURIComponent) : [], query: Object.fromEntries(new URLSearchParams(qs || "")) };
}
export const link = (...parts) => `#/${parts.map(encodeURIComponent).join("/")}`;
export function withQuery(base, q) {
  const s = new URLSearchParams(Object.entries(q).filter(([, v]) => v !== "" && v !== undefined && v !== null)).toString();
  return s ? `${base}?${s}` : base;
}

const quote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
const SKIP = new Set(["host", "content-length", "connection", "accept-encoding", "transfer-encoding"]);

/** A curl command that sends the same request again. */
export function curlFor({ method, url, headers, body, binary }) {
  const parts = [`curl -X ${method} ${quote(url)}`];
  for (const [k, v] of Object.entries(headers || {})) {
    if (SKIP.has(k.toLowerCase())) continue;
    for (const one of Array.isArray(v) ? v : [v]) parts.push(`-H ${quote(`${k}: ${one}`)}`);
  }
  if (body) parts.push(binary ? `--data-binary @body.bin  # ${body.length} base64 chars not inlined` : `--data-raw ${quote(body)}`);
  return parts.join(" \\\n  ");
}

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** A JSON value as a folding tree: objects and arrays are <details>, open to depth 2. */
export function JsonTree({ value, depth = 0, name }) {
  const key = name !== undefined ? html`<span class="jk">${JSON.stringify(name)}</span>: ` : null;
  if (value === null || typeof value !== "object") {
    const cls = typeof value === "string" ? "js" : typeof value === "number" ? "jn" : "jb";
    return html`<div>${key}<span class=${cls}>${JSON.stringify(value)}</span></div>`;
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  const shown = entries.slice(0, 200);
  const label = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  return html`<details class="json" open=${depth < 2}>
    <summary>${key}${label}</summary>
    ${shown.map(([k, v]) => html`<${JsonTree} key=${k} name=${Array.isArray(value) ? undefined : k} value=${v} depth=${depth + 1} />`)}
    ${entries.length > shown.length ? html`<div class="muted">… ${entries.length - shown.length} more</div>` : null}
  </details>`;
}

export function Headers({ headers }) {
  const rows = Object.entries(headers || {}).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]));
  if (!rows.length) return html`<p class="muted">No headers.</p>`;
  return html`<table><tbody>${rows.map(([k, v], i) => html`<tr key=${i}><td class="mono">${k}</td><td class="mono">${String(v)}</td></tr>`)}</tbody></table>`;
}

export function ErrorText({ error }) {
  if (!error) return null;
  return html`<p class="error" role="alert">${error.message || String(error)}</p>`;
}

export function Badge({ value, cls }) {
  return html`<span class=${`badge ${cls || value}`}>${value}</span>`;
}
