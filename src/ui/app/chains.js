// Chains: the DAG of a chain's links, runs coloured by outcome, a waterfall of link timings,
// each link's request/response/extracts; run again, or with variables from a form.
import { useEffect, useState } from "preact/hooks";
import { api } from "./api.js";
import { onTick } from "./live.js";
import { Badge, ErrorText, fmtMs, fmtTime, Headers, html, JsonTree, link } from "./util.js";

const COLORS = { succeeded: "#1f7a3d", failed: "#b3261e", skipped: "#7a828a", running: "#2457c5", pending: "#ffffff" };
const BOX_W = 170;
const BOX_H = 46;
const GAP_X = 60;
const GAP_Y = 18;

/** Layers by longest path from a root, so every arrow points right. */
export function layout(graph) {
  const byId = new Map(graph.map((l) => [l.id, l]));
  const depth = new Map();
  const depthOf = (id, seen = new Set()) => {
    if (depth.has(id)) return depth.get(id);
    if (seen.has(id)) return 0;
    seen.add(id);
    const deps = byId.get(id)?.dependsOn ?? [];
    const d = deps.length ? 1 + Math.max(...deps.map((x) => depthOf(x, seen))) : 0;
    depth.set(id, d);
    return d;
  };
  const rows = new Map();
  const pos = new Map();
  for (const l of graph) {
    const d = depthOf(l.id);
    const r = rows.get(d) ?? 0;
    rows.set(d, r + 1);
    pos.set(l.id, { x: 10 + d * (BOX_W + GAP_X), y: 10 + r * (BOX_H + GAP_Y) });
  }
  const width = 20 + (Math.max(0, ...depth.values()) + 1) * (BOX_W + GAP_X);
  const height = 20 + Math.max(1, ...rows.values()) * (BOX_H + GAP_Y);
  return { pos, width, height };
}

export function Dag({ graph, links, onSelect, selected }) {
  const { pos, width, height } = layout(graph);
  const run = new Map((links || []).map((l) => [l.id, l]));
  return html`<svg width=${width} height=${height} role="img" aria-label="Chain DAG">
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#5d6873" /></marker></defs>
    ${graph.flatMap((l) =>
      l.dependsOn.map((dep) => {
        const a = pos.get(dep);
        const b = pos.get(l.id);
        if (!a || !b) return null;
        const dashed = l.inferred.includes(dep);
        return html`<line key=${`${dep}->${l.id}`} x1=${a.x + BOX_W} y1=${a.y + BOX_H / 2} x2=${b.x - 2} y2=${b.y + BOX_H / 2} stroke="#5d6873" stroke-dasharray=${dashed ? "4 3" : undefined} marker-end="url(#arrow)" />`;
      }),
    )}
    ${graph.map((l) => {
      const p = pos.get(l.id);
      const r = run.get(l.id);
      const status = r?.status ?? "pending";
      const fill = COLORS[status] ?? "#ffffff";
      const dark = status !== "pending";
      return html`<g key=${l.id} data-link=${l.id} data-status=${status} role="button" tabindex="0" aria-label=${`Link ${l.id}: ${status}`} style="cursor:pointer"
          onClick=${() => onSelect?.(l.id)} onKeyDown=${(e) => e.key === "Enter" && onSelect?.(l.id)}>
        <rect x=${p.x} y=${p.y} width=${BOX_W} height=${BOX_H} rx="6" fill=${fill} stroke=${selected === l.id ? "#000" : "#5d6873"} stroke-width=${selected === l.id ? 2 : 1} />
        <text x=${p.x + 8} y=${p.y + 18} fill=${dark ? "#fff" : "#1d232a"} font-weight="600">${l.id.length > 22 ? `${l.id.slice(0, 21)}…` : l.id}</text>
        <text x=${p.x + 8} y=${p.y + 36} fill=${dark ? "#fff" : "#5d6873"}>${status}${r?.durationMs != null ? ` · ${fmtMs(r.durationMs)}` : ""}</text>
      </g>`;
    })}
  </svg>`;
}

function Waterfall({ run }) {
  const started = run.links.filter((l) => l.startedAt !== null);
  if (!started.length) return html`<p class="muted">No link started.</p>`;
  const t0 = run.startedAt;
  const span = Math.max(1, run.durationMs ?? Math.max(...started.map((l) => l.startedAt + (l.durationMs ?? 0) - t0)));
  const scale = (ms) => (ms / span) * 460;
  return html`<svg width="720" height=${run.links.length * 22 + 10} role="img" aria-label="Link waterfall">
    ${run.links.map((l, i) => html`<g key=${l.id}>
      <text x="0" y=${i * 22 + 16}>${l.id.length > 20 ? `${l.id.slice(0, 19)}…` : l.id}</text>
      ${l.startedAt !== null ? html`<rect x=${150 + scale(l.startedAt - t0)} y=${i * 22 + 4} width=${Math.max(2, scale(l.durationMs ?? 0))} height="14" fill=${COLORS[l.status] ?? "#999"} />
        <text x=${150 + scale(l.startedAt - t0) + Math.max(2, scale(l.durationMs ?? 0)) + 4} y=${i * 22 + 16}>${fmtMs(l.durationMs)}</text>` : html`<text x="150" y=${i * 22 + 16} fill="#7a828a">${l.status}${l.reason ? ` (${l.reason})` : ""}</text>`}
    </g>`)}
  </svg>`;
}

function LinkDetail({ l }) {
  if (!l) return html`<p class="muted">Select a link in the DAG to see its request, response and extracted values.</p>`;
  return html`<section class="panel" aria-label=${`Link ${l.id}`}>
    <h3>${l.id} <${Badge} value=${l.status} /> ${l.reason ? html`<span class="muted">${l.reason}</span>` : null}</h3>
    ${l.error ? html`<p class="error">${l.error.code}: ${l.error.message}</p>` : null}
    ${l.deliveryId ? html`<p>Delivery: <a href=${link("deliveries", l.deliveryId)}>${l.deliveryId}</a> (${l.attempts} attempts)</p>` : null}
    <div class="grid2">
      <div><h4>Request</h4>${l.request ? html`<p class="mono">${l.request.method} ${l.request.url}</p><${Headers} headers=${l.request.headers} /><div class="mono"><${JsonTree} value=${l.request.body} /></div>` : html`<p class="muted">not sent</p>`}</div>
      <div><h4>Response</h4>${l.response ? html`<p>HTTP ${l.response.status}</p><${Headers} headers=${l.response.headers} /><div class="mono"><${JsonTree} value=${l.response.body} /></div>` : html`<p class="muted">none</p>`}</div>
    </div>
    <h4>Extracted</h4><div class="mono"><${JsonTree} value=${l.extracted} /></div>
    ${l.warnings?.length ? html`<h4>Warnings</h4><ul>${l.warnings.map((w, i) => html`<li key=${i}>${w}</li>`)}</ul>` : null}
    ${l.scriptLogs?.length ? html`<h4>Script logs</h4><pre>${l.scriptLogs.map((s) => `[${s.script} ${s.level}] ${s.message}`).join("\n")}</pre>` : null}
  </section>`;
}

function RunsTable({ chainId, runs }) {
  if (!runs.length) return html`<p class="muted">No runs yet.</p>`;
  return html`<table aria-label="Runs"><thead><tr><th>started</th><th>status</th><th>took</th><th>links</th></tr></thead><tbody>
    ${runs.map((r) => html`<tr key=${r.id}><td><a href=${link("chains", chainId, "runs", r.id)}>${fmtTime(r.startedAt)}</a></td><td><${Badge} value=${r.status} /></td><td>${fmtMs(r.durationMs)}</td>
      <td>${r.links.filter((l) => l.status === "succeeded").length}/${r.links.length} succeeded</td></tr>`)}
  </tbody></table>`;
}

export function ChainsView() {
  const [chains, setChains] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => void api("/chains").then(setChains, setError), []);
  return html`<div><h2>Chains</h2><${ErrorText} error=${error} />
    ${chains && !chains.length ? html`<p class="muted">No chains in this config.</p>` : null}
    <table aria-label="Chains"><thead><tr><th>chain</th><th>links</th><th>description</th></tr></thead><tbody>
      ${(chains || []).map((c) => html`<tr key=${c.id}><td><a href=${link("chains", c.id)}>${c.name}</a> <span class="muted mono">${c.id}</span></td><td>${c.links}</td><td>${c.description || ""}</td></tr>`)}
    </tbody></table></div>`;
}

/** Runs a chain and opens the run. */
async function runChain(id, variables) {
  const run = await api(`/chains/${encodeURIComponent(id)}/execute`, { method: "POST", body: variables ? { variables } : {} });
  location.hash = link("chains", id, "runs", run.id);
}

export function ChainView({ id }) {
  const [chain, setChain] = useState(null);
  const [runs, setRuns] = useState([]);
  const [vars, setVars] = useState({});
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api(`/chains/${encodeURIComponent(id)}`).then((c) => (setChain(c), setVars(Object.fromEntries(Object.entries(c.config.variables || {}).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])))), setError);
    const load = () => api(`/chains/${encodeURIComponent(id)}/runs?limit=20`).then(setRuns, () => {});
    load();
    return onTick((events) => events.some((e) => e.type === "chain.run" && e.chainId === id) && load());
  }, [id]);
  if (!chain) return html`<${ErrorText} error=${error} />`;
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    try {
      const variables = Object.fromEntries(Object.entries(vars).map(([k, v]) => { try { return [k, JSON.parse(v)]; } catch { return [k, v]; } }));
      await runChain(id, variables);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<div>
    <p><a href="#/chains">← Chains</a></p>
    <h2>${chain.name}</h2>
    ${chain.description ? html`<p>${chain.description}</p>` : null}
    <section class="panel"><${Dag} graph=${chain.graph} /></section>
    <form class="panel" onSubmit=${submit} aria-label="Run with variables">
      <h3>Run with variables</h3>
      ${Object.keys(vars).length === 0 ? html`<p class="note">The chain declares no variables; add one below.</p>` : null}
      <div class="filters">${Object.entries(vars).map(([k, v]) => html`<label key=${k}>${k}<input aria-label=${`Variable ${k}`} value=${v} onInput=${(e) => setVars({ ...vars, [k]: e.target.value })} /></label>`)}
        <label>New variable name<input aria-label="New variable name" onChange=${(e) => e.target.value && (setVars({ ...vars, [e.target.value]: "" }), (e.target.value = ""))} /></label></div>
      <div class="toolbar"><button class="primary" type="submit" disabled=${busy}>${busy ? "Running…" : "Run chain"}</button></div>
      <${ErrorText} error=${error} />
    </form>
    <section class="panel"><h3>Runs</h3><${RunsTable} chainId=${id} runs=${runs} /></section>
  </div>`;
}

export function ChainRunView({ chainId, runId }) {
  const [run, setRun] = useState(null);
  const [chain, setChain] = useState(null);
  const [selected, setSelected] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    const load = () => api(`/chains/${encodeURIComponent(chainId)}/runs/${encodeURIComponent(runId)}`).then(setRun, setError);
    load();
    api(`/chains/${encodeURIComponent(chainId)}`).then(setChain, setError);
    return onTick((events) => events.some((e) => e.runId === runId) && load());
  }, [chainId, runId]);
  if (!run || !chain) return html`<${ErrorText} error=${error} />`;
  const again = () => runChain(chainId, run.variables).catch(setError);
  return html`<div>
    <p><a href=${link("chains", chainId)}>← ${chain.name}</a></p>
    <h2>Run of ${chain.name} <${Badge} value=${run.status} /></h2>
    <div class="toolbar"><button onClick=${again}>Run again</button><span class="note">${fmtTime(run.startedAt)} · ${fmtMs(run.durationMs)} · trace ${run.traceId}</span></div>
    <${ErrorText} error=${error || run.error} />
    <section class="panel"><h3>DAG</h3><${Dag} graph=${chain.graph} links=${run.links} selected=${selected} onSelect=${setSelected} /></section>
    <section class="panel"><h3>Waterfall</h3><${Waterfall} run=${run} /></section>
    <${LinkDetail} l=${run.links.find((l) => l.id === selected)} />
    <section class="panel"><h3>Variables</h3><div class="mono"><${JsonTree} value=${run.variables} /></div></section>
  </div>`;
}
