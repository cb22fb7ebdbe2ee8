import type { ChainEvent } from "../chains/index.js";
import type { EventBus } from "../core/event-bus.js";

/**
 * A chain run's progress (the executor's `onEvent`) as bus events.
 *
 * @example
 * runChain(chain, { ...options, onEvent: (e) => publishChainEvent(bus, e) });
 */
export function publishChainEvent(bus: EventBus, e: ChainEvent): void {
  switch (e.type) {
    case "run_started":
    case "run_finished":
      if (bus.wants("chain.run")) bus.publish("chain.run", { runId: e.run.id, chainId: e.run.chainId, status: e.run.status, durationMs: e.run.durationMs });
      return;
    case "link_started":
      if (bus.wants("chain.link")) bus.publish("chain.link", { runId: e.runId, chainId: e.chainId, linkId: e.linkId, status: "running", reason: null, durationMs: null });
      return;
    case "link_finished":
      if (bus.wants("chain.link")) bus.publish("chain.link", { runId: e.runId, chainId: e.chainId, linkId: e.link.id, status: e.link.status, reason: e.link.reason, durationMs: e.link.durationMs });
      return;
    default: {
      const never: never = e;
      return never;
    }
  }
}
