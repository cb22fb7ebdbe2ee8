import { MockForgeError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import { systemClock, type Clock } from "../core/clock.js";
import type { DeliveryRecord, DeliveryStore, TraceCountStore } from "../storage/ports.js";
import { parseTraceHeader, TRACE_HEADER } from "./trace-header.js";

/**
 * The fan-out half of the loop guard (SPEC §3 "Bounds"): a trace (`x-mockforge-trace` id) may
 * make at most `max` outbound calls. Depth alone does not bound a loop: a route with three
 * webhooks to itself made 29,523 calls from one POST within the depth limit.
 *
 * Every call is counted in this process first: never more than `max` per process, and no
 * database trip for a trace that is over here already. On a shared store (`shared`, a cluster
 * on postgres) a call whose trace arrived through the header (depth ≥ 1: a MockForge call
 * caused the request) is also counted in the database, across members, because only such a
 * trace can bounce between members. A trace born here (depth 0) is counted here only: its
 * depth-0 calls all come from this process, and it costs a single-member setup no round trip.
 * So a trace makes at most `max` calls at depth 0 (on the member where it began) plus `max`
 * calls at depth ≥ 1 across the cluster, and at most `max` on any one member.
 *
 * Local counts live in memory, one entry per trace, the oldest traces forgotten past
 * `maxTraces` (a trace that old has long finished; forgetting it can only let a loop make `max`
 * more calls).
 */
export class TraceBudget {
  private readonly counts = new Map<string, number>();

  constructor(
    readonly max: number,
    readonly shared: TraceCountStore | null = null,
    private readonly clock: Pick<Clock, "now"> = systemClock,
    private readonly maxTraces = 10_000,
  ) {}

  /**
   * Counts one call of `traceId` made at trace depth `depth` (that of the request or run that
   * makes it): "ok" when it may go, "over" past the budget, "first-over" for the first call past
   * it (to log once per trace and process). A call without a trace id starts a new trace of its
   * own, which one call cannot exceed. Synchronous unless the shared count is asked.
   */
  take(traceId: string | null | undefined, depth = 0): Verdict | Promise<Verdict> {
    if (!traceId) return "ok";
    const local = this.takeLocal(traceId);
    if (local !== "ok" || depth < 1 || !this.shared) return local;
    return this.shared.add(traceId, this.clock.now()).then((n) => {
      if (n <= this.max) return "ok";
      // Over across the cluster: over here too from now on, so the next calls of this trace on
      // this member are refused without asking the database, and the warning is logged once.
      this.counts.set(traceId, this.max + 1);
      return "first-over";
    });
  }

  private takeLocal(traceId: string): Verdict {
    const n = (this.counts.get(traceId) ?? 0) + 1;
    if (!this.counts.has(traceId) && this.counts.size >= this.maxTraces) {
      this.counts.delete(this.counts.keys().next().value as string);
    }
    this.counts.set(traceId, n);
    if (n <= this.max) return "ok";
    return n === this.max + 1 ? "first-over" : "over";
  }
}

type Verdict = "ok" | "over" | "first-over";

/** The depth of the request or run that makes `record`'s call: its trace header says one more. */
function callerDepth(record: DeliveryRecord): number {
  return Math.max(0, (parseTraceHeader(record.request.headers[TRACE_HEADER])?.depth ?? 1) - 1);
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
    const taken = budget.take(traceId, budget.shared ? callerDepth(record) : 0);
    const verdict = typeof taken === "string" ? taken : await taken;
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
