import { ruleRunFrom, type RuleEngine } from "../rules/index.js";
import type { RunStore } from "../storage/ports.js";
import { ok, type AdminRoute } from "./admin-types.js";
import { listScriptLogs } from "./script-logs.js";
import { qint, qstr, qtime } from "./query-params.js";

/** Rule runs (SPEC §7) and script output (SPEC §6): what fire-and-forget work did, and why. */
export function runsHandlers(runs: RunStore, rules: Pick<RuleEngine, "stats">): AdminRoute[] {
  const list = (kind: "rule", refParam: string) => async ({ query }: { query: Record<string, string | string[]> }) =>
    ok(
      (
        await runs.list({
          kind,
          refId: qstr(query, refParam),
          status: qstr(query, "status"),
          since: qtime(query, "since"),
          limit: qint(query, "limit", 100, 1, 10_000),
        })
      ).map((r) => ({ id: r.id, [refParam]: r.refId, status: r.status, startedAt: r.startedAt, finishedAt: r.finishedAt, ...(ruleRunFrom(r.data) as object) })),
    );
  return [
    { method: "GET", path: "/rules", handler: async () => ok(rules.stats()) },
    { method: "GET", path: "/rules/runs", handler: list("rule", "rule") },
    {
      method: "GET",
      path: "/scripts/logs",
      handler: async ({ query }) => ok(await listScriptLogs(runs, { source: qstr(query, "source"), ref: qstr(query, "ref") ?? qstr(query, "route"), limit: qint(query, "limit", 100, 1, 10_000) })),
    },
  ];
}
