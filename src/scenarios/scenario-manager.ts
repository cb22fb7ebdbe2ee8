/**
 * The server's scenario service: starts configured scenarios by name, one at a time (two runs
 * injecting faults into the same server would make both reports meaningless), stops the
 * running one, and finds reports. The admin API and the CLI sit on top of it.
 */
import type { ScenarioConfig } from "../config/schema/chaos.js";
import { MockForgeError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import type { ScenarioReport } from "./scenario-report.js";
import { runScenario, type RunScenarioOptions, type ScenarioServices } from "./scenario-runner.js";

export interface StartedScenario {
  runId: string;
  scenario: string;
  /** Resolves with the final report (also when stopped); never rejects. */
  done: Promise<ScenarioReport>;
}

export interface ScenarioManager {
  /** Known scenario names, in config order. */
  names(): string[];
  /** Replaces the known scenarios (config reload); a running one goes on. */
  setScenarios(scenarios: readonly ScenarioConfig[]): void;
  /**
   * Starts a run. Throws MFG_ERR_SCENARIO_NOT_FOUND for an unknown name and
   * MFG_ERR_SCENARIO_BUSY while another run is going.
   */
  start(name: string, opts?: { variables?: Record<string, unknown>; onEvent?: RunScenarioOptions["onEvent"] }): StartedScenario;
  /** Stops the running scenario: faults off at once, then resolves with its report (null when none ran). */
  stop(): Promise<ScenarioReport | null>;
  /** The running scenario, if any. */
  current(): { runId: string; scenario: string } | null;
  /** A report by run id: the stored one, or the running one. Throws MFG_ERR_SCENARIO_RUN_NOT_FOUND. */
  get(runId: string): Promise<ScenarioReport>;
}

/**
 * @example
 * const scenarios = createScenarioManager(config.chaos.scenarios, { ...services, faults, runs });
 * const { runId, done } = scenarios.start("ecommerce_order_flow", { variables: { order_id: "ord_1" } });
 * await scenarios.stop(); // or: const report = await done;
 */
export function createScenarioManager(initial: readonly ScenarioConfig[], services: ScenarioServices): ScenarioManager {
  let byName = new Map(initial.map((s) => [s.name, s]));
  let running: { runId: string; scenario: string; controller: AbortController; done: Promise<ScenarioReport> } | null = null;
  const finished = new Map<string, ScenarioReport>();

  return {
    names: () => [...byName.keys()],
    setScenarios(scenarios) {
      byName = new Map(scenarios.map((s) => [s.name, s]));
    },
    start(name, opts = {}) {
      const scenario = byName.get(name);
      if (!scenario) {
        const known = [...byName.keys()];
        throw new MockForgeError("MFG_ERR_SCENARIO_NOT_FOUND", `Scenario '${name}' is not in the config`, {
          hint: known.length ? `Known scenarios: ${known.join(", ")}.` : "The config has no chaos.scenarios.",
        });
      }
      if (running) {
        throw new MockForgeError("MFG_ERR_SCENARIO_BUSY", `Cannot start scenario '${name}': scenario '${running.scenario}' is running (run ${running.runId})`, {
          running: running.runId,
          hint: "Wait for it to finish, or stop it first (POST /__mockforge/scenarios/stop).",
        });
      }
      const runId = newId("run", services.clock.now(), services.random);
      const controller = new AbortController();
      const done = runScenario(scenario, { ...services, runId, signal: controller.signal, ...(opts.variables ? { variables: opts.variables } : {}), ...(opts.onEvent ? { onEvent: opts.onEvent } : {}) }).then(
        (report) => {
          finished.set(runId, report);
          if (finished.size > 100) finished.delete(finished.keys().next().value as string);
          return report;
        },
      ).finally(() => {
        if (running?.runId === runId) running = null;
      });
      running = { runId, scenario: name, controller, done };
      return { runId, scenario: name, done };
    },
    async stop() {
      const r = running;
      if (!r) return null;
      r.controller.abort(new Error(`scenario '${r.scenario}' was stopped`));
      // Faults off now, not when the run notices: a request arriving meanwhile must be served clean.
      services.faults.clear(`scenario:${r.scenario}`);
      return r.done;
    },
    current: () => (running ? { runId: running.runId, scenario: running.scenario } : null),
    async get(runId) {
      const stored = services.runs ? await services.runs.get(runId) : undefined;
      if (stored && stored.kind === "scenario") return stored.data as ScenarioReport;
      const kept = finished.get(runId);
      if (kept) return kept;
      throw new MockForgeError("MFG_ERR_SCENARIO_RUN_NOT_FOUND", `Scenario run '${runId}' was not found`, {
        hint: "Run ids come from POST /__mockforge/scenarios/<name>/run; old runs are pruned.",
      });
    },
  };
}
