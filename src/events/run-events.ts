/**
 * Scenario and rule progress as bus events, read from the run records they already write
 * (a scenario saves its report at its start, after every step and at its end; a rule saves
 * each run), so neither runner needs to know the bus exists.
 */
import type { EventBus } from "../core/event-bus.js";
import type { RunRecord, RunStore } from "../storage/ports.js";

interface StepLike {
  name: string;
  status: string;
}

/**
 * A RunStore that publishes what is put into it, then stores it as `inner` does.
 *
 * @example
 * const runs = publishingRunStore(storage.runs, bus);
 */
export function publishingRunStore(inner: RunStore, bus: EventBus): RunStore {
  return {
    put(run) {
      publishRun(run, bus);
      return inner.put(run);
    },
    get: (id) => inner.get(id),
    list: (f) => inner.list(f),
    prune: (kind, max) => inner.prune(kind, max),
    clear: (kind) => inner.clear(kind),
    interruptOrphans: (live, now) => inner.interruptOrphans(live, now),
  };
}

export function publishRun(run: RunRecord, bus: EventBus): void {
  if (run.kind === "rule" && bus.wants("rule.run")) bus.publish("rule.run", { runId: run.id, rule: run.refId, status: run.status });
  if (run.kind === "scenario" && bus.wants("scenario.step")) {
    const steps = ((run.data as { steps?: StepLike[] } | null)?.steps ?? []) as StepLike[];
    const last = steps[steps.length - 1];
    bus.publish("scenario.step", {
      runId: run.id,
      scenario: run.refId,
      status: run.status,
      step: last?.name ?? null,
      stepStatus: last?.status ?? null,
      stepsDone: steps.filter((s) => s.status !== "running").length,
    });
  }
}
