import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { auth, setToken } from "./api.js";
import { ChainRunView, ChainsView, ChainView } from "./chains.js";
import { DeliveriesView, DeliveryView } from "./deliveries.js";
import { ExportView } from "./export.js";
import { FeedView } from "./feed.js";
import { live, onTick, startLive } from "./live.js";
import { RequestView } from "./request.js";
import { ScenariosView } from "./scenarios.js";
import { html, parseHash } from "./util.js";

const NAV = [
  ["feed", "Live feed"],
  ["deliveries", "Deliveries"],
  ["chains", "Chains"],
  ["scenarios", "Scenarios & rules"],
  ["export", "Export"],
];

function useHash() {
  const [route, setRoute] = useState(parseHash());
  useEffect(() => {
    const on = () => setRoute(parseHash());
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

function TokenForm() {
  const [value, setValue] = useState("");
  return html`<form class="token panel" onSubmit=${(e) => (e.preventDefault(), setToken(value))}>
    <h2>Admin token</h2>
    <p>This server has an admin token (<code>http.admin_token</code>). It is kept for this tab only and sent as a header.</p>
    <label>Admin token <input type="password" aria-label="Admin token" value=${value} onInput=${(e) => setValue(e.target.value)} autocomplete="off" /></label>
    <div class="toolbar"><button class="primary" type="submit">Use token</button></div>
  </form>`;
}

function Page({ route }) {
  const [a, b, c, d] = route.parts;
  if (a === "requests" && b) return html`<${RequestView} key=${b} id=${b} />`;
  if (a === "deliveries" && b) return html`<${DeliveryView} id=${b} />`;
  if (a === "deliveries") return html`<${DeliveriesView} query=${route.query} />`;
  if (a === "chains" && b && c === "runs" && d) return html`<${ChainRunView} key=${d} chainId=${b} runId=${d} />`;
  if (a === "chains" && b) return html`<${ChainView} id=${b} />`;
  if (a === "chains") return html`<${ChainsView} />`;
  if (a === "scenarios") return html`<${ScenariosView} />`;
  if (a === "export") return html`<${ExportView} query=${route.query} />`;
  return html`<${FeedView} query=${route.query} />`;
}

function ConnState() {
  const [state, setState] = useState(live.state);
  useEffect(() => onTick(() => setState(live.state)), []);
  return html`<span class=${`conn ${state}`} role="status" aria-label="Event stream">${state === "live" ? "live" : state === "down" ? "reconnecting…" : "connecting…"}</span>`;
}

function App() {
  const route = useHash();
  const [, force] = useState(0);
  useEffect(() => {
    const on = () => force((n) => n + 1);
    auth.listeners.add(on);
    startLive();
    return () => auth.listeners.delete(on);
  }, []);
  const section = route.parts[0] === "requests" ? "feed" : route.parts[0] || "feed";
  return html`<div>
    <header>
      <h1>MockForge</h1>
      <nav aria-label="Views">
        ${NAV.map(([id, label]) => html`<a key=${id} href=${`#/${id}`} aria-current=${section === id ? "page" : undefined}>${label}</a>`)}
      </nav>
      <${ConnState} />
    </header>
    <main>${auth.needed ? html`<${TokenForm} />` : html`<${Page} route=${route} />`}</main>
  </div>`;
}

const root = document.getElementById("root");
root.textContent = "";
render(html`<${App} />`, root);
