import type { Deps } from "../core/deps.js";
import type { EnvRecord } from "../core/env-access.js";
import { newId } from "../core/ids.js";
import type { DeliveryEngine } from "../delivery/index.js";
import { createScriptHttp, type ScriptRuntime } from "../scripting/index.js";
import type { RunStore } from "../storage/ports.js";
import type { CompiledRoute, RenderedResponse } from "./compiled-route.js";
import { goneSignal, type MockRequest } from "./mock-request.js";

export interface RouteScriptDeps {
  scripts: () => ScriptRuntime;
  deliveries: DeliveryEngine;
  runs: RunStore;
  deps: Deps;
  baseUrl: () => string;
}

/**
 * Runs a route's `script:` (SPEC §6) with the request and the rendered response; the script
 * may change `mockforge.response` and make calls through the delivery engine. A script that
 * fails answers 500 with its error (line and column) instead of taking anything down, and every
 * run (logs, calls, error) is kept for `GET /__mockforge/scripts/logs` (the newest `journal.max_runs`: storage/retention.ts). `mockforge.env` is the
 * env view of the route's own templates (`scope.env`: by where the route came from, core/env-access.ts).
 */
export function routeScriptRunner(o: RouteScriptDeps) {
  return async (route: CompiledRoute, scope: Record<string, unknown>, response: RenderedResponse, req: MockRequest): Promise<{ response: RenderedResponse; notes: string[] }> => {
    const started = o.deps.clock.now();
    const trace = req.trace ?? { traceId: newId("trc", started, o.deps.random), depth: 0 };
    const result = await o.scripts().run(
      { code: route.script!, label: `route ${route.id} script`, group: `route:${route.id}`, request: scope.request, response: { ...response, headers: { ...response.headers } }, env: scope.env as EnvRecord },
      createScriptHttp({ deliveries: o.deliveries, sourceId: `route:${route.id}`, traceId: trace.traceId, traceDepth: trace.depth, baseUrl: o.baseUrl() }),
      req.connection ? { gone: goneSignal(req.connection) } : {},
    );
    const runId = newId("run", started, o.deps.random);
    o.runs
      .put({
        id: runId,
        kind: "script",
        refId: route.id,
        status: result.ok ? "succeeded" : "failed",
        startedAt: started,
        finishedAt: o.deps.clock.now(),
        data: { label: `route ${route.id} script`, requestId: req.id, logs: result.logs, logsDropped: result.logsDropped, httpCalls: result.httpCalls, error: result.error, durationMs: result.durationMs },
      })
      .catch((e) => o.deps.logger.error({ err: String(e), route: route.id }, "could not record a route script run"));
    if (!result.ok && result.error) {
      const e = result.error;
      return {
        response: { status: 500, headers: { "content-type": "application/json" }, body: { error: { code: e.code, message: e.message, line: e.line ?? null, column: e.column ?? null, script: e.label } } },
        notes: [`script failed: ${e.code} ${e.message}${e.line ? ` (line ${e.line})` : ""}; script run ${runId}`],
      };
    }
    const out = result.response ?? response;
    return { response: { status: out.status, headers: lowerKeys(out.headers), body: out.body }, notes: [] };
  };
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) out[k.toLowerCase()] = String(v);
  return out;
}
