import type { ScenarioManager } from "../scenarios/index.js";
import { ok, type AdminRoute } from "./admin-types.js";
import { qstr } from "./query-params.js";

/** Chaos scenarios over the admin API (SPEC §5): list, run (one at a time), report, stop. */
export function scenariosHandlers(scenarios: ScenarioManager): AdminRoute[] {
  const manager = () => scenarios;
  return [
    { method: "GET", path: "/scenarios", handler: async () => ok({ scenarios: manager().names(), running: manager().current() }) },
    {
      method: "POST",
      path: "/scenarios/stop",
      handler: async () => ok({ stopped: await manager().stop() }),
    },
    {
      method: "POST",
      path: "/scenarios/:name/run",
      handler: async ({ req, params, query }) => {
        const input = (req.body && typeof req.body === "object" ? req.body : {}) as { variables?: Record<string, unknown> };
        const started = manager().start(params.name!, input.variables ? { variables: input.variables } : {});
        // `?wait=true` answers with the finished report; otherwise 202 with the run id at once.
        if (qstr(query, "wait") === "true") return ok(await started.done);
        void started.done.catch(() => {});
        return ok({ run_id: started.runId, scenario: params.name, report: `/__mockforge/scenarios/runs/${started.runId}` }, 202);
      },
    },
    { method: "GET", path: "/scenarios/runs/:id", handler: async ({ params }) => ok(await manager().get(params.id!)) },
  ];
}
