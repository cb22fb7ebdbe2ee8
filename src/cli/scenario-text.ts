/**
 * The text of `scenario run`: one line per step, hook, rule run and delivery, each saying why
 * when something failed (status, error), not only in `--json`.
 */
import type { ChainRun } from "../chains/index.js";
import type { HookResult } from "../scenarios/hook-result.js";
import type { ScenarioReport, StepReport } from "../scenarios/index.js";
import type { DeliveryRecord } from "../storage/ports.js";
import { ruleFailed, type Aftermath } from "./scenario-aftermath.js";

export function stepLine(s: StepReport): string {
  const r = s.request;
  const req = r ? `  ${r.method} ${r.url} → ${r.status > 0 ? `HTTP ${r.status}` : "no answer"}${r.error ? ` (${r.error.code}: ${r.error.message})` : ""}` : "";
  return `  step ${s.name}: ${s.status}${req}${s.faults ? "  (faults applied)" : ""}`;
}

export function hookLine(h: HookResult): string {
  const why = h.actions.filter((a) => a.status === "failed").map((a) => `actions[${a.index}] ${a.type}: ${a.error ? `${a.error.code}: ${a.error.message}` : "failed"}`);
  return `    hook ${h.name} (${h.hookType}): ${h.status}${h.condition !== null ? `, condition ${h.condition}` : ""}${why.length ? ` (${why.join("; ")})` : ""}`;
}

export function ruleLine(r: Aftermath["rules"][number]): string {
  const { run, chain } = r;
  const ids = run.deliveryIds;
  const what = run.chainId ? `  chain ${run.chainId}${chain ? ` ${chain.status}` : ""}` : ids.length ? `  deliver${ids.length === 1 ? "y" : "ies"} ${ids.join(", ")}` : "";
  const why = ruleFailed(r) ? failureOf(run.status, run.reason, chain) : run.status === "suppressed" && run.reason ? ` (${run.reason})` : "";
  return `  rule ${run.rule}: ${run.status}${what}  (${run.trigger.method} ${run.trigger.path} → ${run.trigger.status})${why}`;
}

function failureOf(status: string, reason: string | null, chain: ChainRun | null): string {
  if (status === "running") return " (still running when the wait ended)";
  const links = chain?.links.filter((l) => l.status === "failed").map((l) => `link ${l.id} ${l.response ? `HTTP ${l.response.status}` : ""}${l.reason ? ` ${l.reason}` : ""}${l.error ? `: ${l.error.message}` : ""}`.replace(/\s+/g, " ").trim());
  if (links && links.length) return ` (${links.join("; ")})`;
  return reason ? ` (${reason})` : "";
}

export function deliveryLine(d: DeliveryRecord): string {
  const last = d.lastStatus ? ` last HTTP ${d.lastStatus}` : "";
  const err = d.lastError ? ` (${d.lastError})` : "";
  const attempts = d.status === "succeeded" ? "" : `, ${d.attemptCount} attempt${d.attemptCount === 1 ? "" : "s"}`;
  return `  delivery ${d.id} ${d.request.method} ${d.request.url}: ${d.status}${attempts}${last}${err}`;
}

/** The whole report, after the run and its aftermath. */
export function reportText(report: ScenarioReport, after: Aftermath): string {
  const out = [`scenario ${report.scenario}: ${report.status} in ${report.durationMs === null ? "-" : Math.round(report.durationMs)} ms (run ${report.id})`];
  for (const h of report.hooks) out.push(hookLine(h));
  for (const s of report.steps) {
    out.push(stepLine(s));
    for (const h of s.hooks) out.push(hookLine(h));
  }
  for (const r of after.rules) out.push(ruleLine(r));
  for (const d of after.deliveries) out.push(deliveryLine(d));
  for (const w of report.warnings) out.push(`  warning: ${w}`);
  if (report.error) out.push(`  error: ${report.error.code}: ${report.error.message}`);
  if (after.timedOut) out.push(`  timed out: work the run started was still running after ${after.timeoutMs} ms (--timeout)`);
  return `${out.join("\n")}\n`;
}

/** Names what failed, for the last line; empty when everything succeeded. */
export function failures(report: ScenarioReport, after: Aftermath): string[] {
  const f: string[] = [];
  if (report.status !== "succeeded") f.push(`scenario ${report.status}`);
  for (const r of after.rules) if (ruleFailed(r)) f.push(`rule ${r.run.rule}${r.run.chainId ? ` (chain ${r.run.chainId})` : ""}`);
  for (const d of after.deliveries) if (d.status !== "succeeded") f.push(`delivery ${d.id} (${d.status})`);
  return f;
}
