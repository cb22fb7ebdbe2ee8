import { MockForgeError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { DeliveryRecord, DeliveryStore } from "../storage/ports.js";

/**
 * The fan-out half of the loop guard (SPEC §3 "Bounds"): a trace (`x-mockforge-trace` id) may
 * make at most `max` outbound calls in this process. Depth alone does not bound a loop: a route
 * with three webhooks to itself made 29,523 calls from one POST within the depth limit.
 *
 * Counts live in memory, one entry per trace, the oldest traces forgotten past `maxTraces`
 * (a trace that old has long finished; forgetting it can only let a loop make `max` more calls).
 */
export class TraceBudget {
  private readonly counts = new Map<string, number>();

  constructor(
    readonly max: number,
    private readonly maxTraces = 10_000,
  ) {}

  /**
   * Counts one call of `traceId`: "ok" when it may go, "over" past the budget, "first-over" for
   * the first call past it (to log once per trace). A call without a trace id starts a new
   * trace of its own, which one call cannot exceed.
   */
  take(traceId: string | null | undefined): "ok" | "over" | "first-over" {
    if (!traceId) return "ok";
    const n = (this.counts.get(traceId) ?? 0) + 1;
    if (!this.counts.has(traceId) && this.counts.size >= this.maxTraces) {
      this.counts.delete(this.counts.keys().next().value as string);
    }
    this.counts.set(traceId, n);
    if (n <= this.max) return "ok";
    return n === this.max + 1 ? "first-over" : "over";
  }
}

/** The `lastError` of a call the budget stopped: the record says why it was not sent. */
export function budgetReason(max: number): string {
  return `suppressed: trace budget (webhooks.max_trace_fanout = ${max} outbound calls per trace); not sent`;
}

/**
 * The engine's check before a call is admitted: resolves null when the call may go; past the
 * trace's budget, records it as failed with the reason (never sent) and resolves that record.
 */
export function traceBudgetGuard(budget: TraceBudget, o: { store: DeliveryStore; logger: Logger; recorded: (r: DeliveryRecord) => void }) {
  return async (record: DeliveryRecord, traceId: string | null | undefined): Promise<DeliveryRecord | null> => {
    const verdict = budget.take(traceId);
    if (verdict === "ok") return null;
    if (verdict === "first-over") {
      o.logger.warn({ traceId, max: budget.max }, `trace ${traceId} reached its fan-out budget of ${budget.max} outbound calls; further calls are recorded as suppressed, not sent`);
    }
    const rec: DeliveryRecord = { ...record, status: "failed", nextAttemptAt: null, lastError: budgetReason(budget.max) };
    await o.store.insert(rec);
    o.recorded(rec);
    return rec;
  };
}

/** What an awaited call (chain link, script call) past the budget rejects with. */
export function budgetError(record: DeliveryRecord): MockForgeError {
  return new MockForgeError("MFG_ERR_LOOP_SUPPRESSED", `${record.request.method} ${record.request.url} not sent: ${record.lastError}`, {
    deliveryId: record.id,
    hint: "Raise webhooks.max_trace_fanout if this trace really needs more calls.",
  });
}
