import { fromRunRecord } from "../chains/index.js";
import type { RuleRun } from "../rules/index.js";
import type { RunStore } from "../storage/ports.js";

export interface ScriptLogEntry {
  /** Where the script lives: a route's `script`, a chain link's pre/post script, a rule's script action. */
  source: "route" | "chain" | "rule";
  /** Route id, `<chain>/<link>`, or rule name. */
  ref: string;
  runId: string;
  startedAt: number;
  logs: { level: string; message: string }[];
  error: { code: string; message: string } | null;
}

const SCRIPT_ERROR = /^MFG_ERR_SCRIPT_/;

/**
 * Every script's output in one list (SPEC §6: logs are kept with the run): route script runs,
 * chain links that ran scripts, and rule script actions, newest first. Each source keeps its
 * own record; this only reads them.
 */
export async function listScriptLogs(runs: RunStore, filter: { source?: string; ref?: string; limit: number }): Promise<ScriptLogEntry[]> {
  const want = (s: ScriptLogEntry["source"]) => !filter.source || filter.source === s;
  const out: ScriptLogEntry[] = [];
  if (want("route")) {
    for (const r of await runs.list({ kind: "script", limit: filter.limit, ...(filter.ref ? { refId: filter.ref } : {}) })) {
      const d = r.data as { logs?: ScriptLogEntry["logs"]; error?: ScriptLogEntry["error"] };
      out.push({ source: "route", ref: r.refId, runId: r.id, startedAt: r.startedAt, logs: d.logs ?? [], error: d.error ?? null });
    }
  }
  if (want("chain")) {
    for (const record of await runs.list({ kind: "chain", limit: filter.limit })) {
      const run = fromRunRecord(record);
      for (const link of run.links) {
        const scriptError = link.error && SCRIPT_ERROR.test(link.error.code) ? link.error : null;
        if (link.scriptLogs.length === 0 && !scriptError) continue;
        const ref = `${run.chainId}/${link.id}`;
        if (filter.ref && filter.ref !== ref && filter.ref !== run.chainId) continue;
        out.push({ source: "chain", ref, runId: run.id, startedAt: link.startedAt ?? run.startedAt, logs: link.scriptLogs, error: scriptError });
      }
    }
  }
  if (want("rule")) {
    for (const r of await runs.list({ kind: "rule", limit: filter.limit, ...(filter.ref ? { refId: filter.ref } : {}) })) {
      const run = r.data as RuleRun;
      if (!run.script) continue;
      out.push({ source: "rule", ref: run.rule, runId: r.id, startedAt: r.startedAt, logs: run.script.logs, error: run.error });
    }
  }
  return out.sort((a, b) => b.startedAt - a.startedAt).slice(0, filter.limit);
}
