// Scenarios and rules: run/stop scenarios with live step progress, switch live faults, rule
// runs, script logs. Refreshed from the admin API when the event stream says something changed.
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "./api.js";
import { onTick } from "./live.js";
import { Badge, ErrorText, fmtMs, fmtTime, html, link } from "./util.js";

function useLoad(path, watch) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const timer = useRef(null);
  useEffect(() => {
    const load = () => api(path).then((d) => (setData(d), setError(null)), setError);
    load();
    const off = onTick((events) => {
      if (!events.some(watch)) return;
      timer.current ??= setTimeout(() => ((timer.current = null), load()), 250);
    });
    return () => (off(), clearTimeout(timer.current), (timer.current = null));
  }, [path]);
  return [data, error, () => api(path).then(setData, setError)];
}

function Scenarios() {
  const [list, error, reload] = useLoad("/scenarios", (e) => e.type === "scenario.step");
  const [runId, setRunId] = useState(null);
  const [report, setReport] = useState(null);
  const [err, setErr] = useState(null);
  useEffect(() => {
    if (!runId) return;
    const load = () => api(`/scenarios/runs/${runId}`).then(setReport, setErr);
    load();
    return onTick((events) => events.some((e) => e.type === "scenario.step" && e.runId === runId) && load());
  }, [runId]);
  const run = async (name) => {
    try {
      const r = await api(`/scenarios/${encodeURIComponent(name)}/run`, { method: "POST", body: {} });
      setRunId(r.run_id);
      reload();
    } catch (e) {
      setErr(e);
    }
  };
  const stop = async () => {
    try {
      await api("/scenarios/stop", { method: "POST", body: {} });
      reload();
    } catch (e) {
      setErr(e);
    }
  };
  const running = list?.running;
  return html`<section class="panel" aria-label="Scenarios"><h3>Scenarios</h3>
    <${ErrorText} error=${error || err} />
    ${list && !list.scenarios.length ? html`<p class="muted">No chaos.scenarios in this config.</p>` : null}
    <table><tbody>${(list?.scenarios || []).map((name) => html`<tr key=${name}><td>${name}</td><td>
      ${running?.scenario === name
        ? html`<${Badge} value="running" /> <button onClick=${stop}>Stop ${name}</button>`
        : html`<button disabled=${!!running} onClick=${() => run(name)}>Run ${name}</button>`}
    </td></tr>`)}</tbody></table>
    ${report ? html`<div aria-label="Scenario progress">
      <h4>${report.scenario} <${Badge} value=${report.status} /> <span class="note">${fmtTime(report.startedAt)} ${report.durationMs !== null ? `· ${fmtMs(report.durationMs)}` : ""}</span></h4>
      <ol>${report.steps.map((s) => html`<li key=${s.name}>${s.name} <${Badge} value=${s.status} />
        ${s.faults ? html` <span class="note">faults for ${fmtMs(s.faultWindowMs)}</span>` : null}
        ${s.request ? html` <span class="note">→ ${s.request.method} ${s.request.url}: ${s.request.status || s.request.error?.message}</span>` : null}</li>`)}</ol>
      ${report.error ? html`<p class="error">${report.error.message}</p>` : null}
    </div>` : null}
  </section>`;
}

function Faults() {
  const [data, error, reload] = useLoad("/faults", (e) => e.type === "scenario.step");
  const [err, setErr] = useState(null);
  const toggle = async (source, on) => {
    try {
      await api(`/faults/${encodeURIComponent(source)}/${on ? "enable" : "disable"}`, { method: "POST", body: {} });
      reload();
    } catch (e) {
      setErr(e);
    }
  };
  const rows = [...(data?.faults || []).map((f) => ({ ...f, on: true })), ...(data?.disabled || []).map((f) => ({ ...f, on: false }))];
  return html`<section class="panel" aria-label="Faults"><h3>Faults active now</h3>
    <${ErrorText} error=${error || err} />
    ${rows.length === 0 ? html`<p class="muted">No faults.</p>` : null}
    <table><tbody>${rows.map((f) => html`<tr key=${f.source}><td class="mono">${f.source}</td><td class="mono">${JSON.stringify(f.faults)}</td>
      <td><label><input type="checkbox" role="switch" aria-label=${`Faults from ${f.source}`} checked=${f.on} onChange=${(e) => toggle(f.source, e.target.checked)} /> ${f.on ? "on" : "off"}</label></td></tr>`)}</tbody></table>
  </section>`;
}

/** What a rule run did: each delivery its action queued and the chain run it started, as links. */
function RuleRunLinks({ run }) {
  const deliveries = run.deliveryIds || [];
  return html`${deliveries.map((id) => html`<a key=${id} class="mono" href=${link("deliveries", id)}>${id}</a> `)}${
    run.chainRunId && run.chainId ? html`<a class="mono" href=${link("chains", run.chainId, "runs", run.chainRunId)}>${run.chainRunId}</a>` : null
  }${run.error ? html`<span class="error">${run.error}</span>` : null}`;
}

function Rules() {
  const [stats, error] = useLoad("/rules", (e) => e.type === "rule.run");
  const [runs] = useLoad("/rules/runs?limit=20", (e) => e.type === "rule.run");
  return html`<section class="panel" aria-label="Rules"><h3>Consistency rules</h3>
    <${ErrorText} error=${error} />
    ${stats && !stats.length ? html`<p class="muted">No consistency rules in this config.</p>` : null}
    <table><thead><tr><th>rule</th><th>matched</th><th>succeeded</th><th>failed</th><th>last error</th></tr></thead><tbody>
      ${(stats || []).map((r) => html`<tr key=${r.name}><td>${r.name}</td><td>${r.matched}</td><td>${r.succeeded}</td><td>${r.failed}</td><td class="error">${r.lastError || ""}</td></tr>`)}
    </tbody></table>
    <h4>Recent runs</h4>
    <table aria-label="Recent rule runs"><tbody>${(runs || []).map((r) => html`<tr key=${r.id}><td class="mono">${fmtTime(r.startedAt)}</td><td>${r.rule}</td><td><${Badge} value=${r.status} /></td><td><${RuleRunLinks} run=${r} /></td></tr>`)}</tbody></table>
  </section>`;
}

function ScriptLogs() {
  const [logs, error] = useLoad("/scripts/logs?limit=50", (e) => e.type === "rule.run" || e.type === "chain.run" || e.type === "request.served");
  return html`<section class="panel" aria-label="Script logs"><h3>Script logs</h3>
    <${ErrorText} error=${error} />
    ${logs && !logs.length ? html`<p class="muted">No script output yet.</p>` : null}
    <pre>${(logs || []).flatMap((r) => [...r.logs.map((l) => `${fmtTime(r.startedAt)} [${r.source} ${r.ref}] ${l.level}: ${l.message}`), ...(r.error ? [`${fmtTime(r.startedAt)} [${r.source} ${r.ref}] error: ${r.error.code}: ${r.error.message}`] : [])]).join("\n")}</pre>
  </section>`;
}

export function ScenariosView() {
  return html`<div><h2>Scenarios and rules</h2>
    <div class="grid2"><div><${Scenarios} /><${Faults} /></div><div><${Rules} /><${ScriptLogs} /></div></div></div>`;
}
