/**
 * Fakes for rule engine tests: a delivery engine that records queued and sent calls, a chain
 * runner whose behaviour each test sets, and an exchange builder that takes the names a
 * condition sees.
 */
import { systemClock } from "../../core/clock.js";
import { memoryLogger } from "../../core/logger.js";
import { seededRandom } from "../../core/random.js";
import type { DeliveryOptions, DeliveryResult, OutboundRequest } from "../../delivery/types.js";
import type { DeliveryRecord } from "../../storage/ports.js";
import { createMemoryRuns } from "../../storage/memory/memory-runs.js";
import type { TraceContext } from "../../delivery/index.js";
import type { Exchange, RequestView } from "../../engine/exchange.js";
import type { ServedExchange } from "../rule-scope.js";
import type { ChainRunner } from "../../chains/chain-runner.js";
import type { RuleServices } from "../rule-services.js";

export interface RuleFakes extends RuleServices {
  runs: ReturnType<typeof createMemoryRuns>;
  logger: ReturnType<typeof memoryLogger>;
  queued: { request: OutboundRequest; options: DeliveryOptions }[];
  sent: { request: OutboundRequest; options: DeliveryOptions }[];
}

export function ruleFakes(chains?: ChainRunner): RuleFakes {
  let n = 0;
  const queued: RuleFakes["queued"] = [];
  const sent: RuleFakes["sent"] = [];
  return {
    queued,
    sent,
    runs: createMemoryRuns(),
    clock: systemClock,
    random: seededRandom(3),
    logger: memoryLogger(),
    env: { SECRET: "s3" },
    baseUrl: "http://127.0.0.1:3999",
    ...(chains ? { chains } : {}),
    deliveries: {
      async enqueue(request, options) {
        queued.push({ request, options });
        return { id: `dlv_${++n}` } as DeliveryRecord;
      },
      async send(request, options): Promise<DeliveryResult> {
        sent.push({ request, options });
        return { deliveryId: `dlv_${++n}`, webhookId: "m", ok: true, status: 200, headers: {}, body: { ok: true }, rawBody: "", attempts: 1, durationMs: 1, error: null };
      },
    },
  };
}

/**
 * An exchange told by the names its conditions see (SPEC §7): the request's fields at the top,
 * typed as the engine's `request.*` view so the fake follows it when it changes.
 */
export interface ExchangeFields extends RequestView {
  /** The answer's status, `response.status`. */
  status: number;
  response: Exchange["response"];
  /** Null: the request came from outside, so its trace is named after it, as the engine does. */
  trace: TraceContext | null;
  requestId: string;
}

/**
 * The engine's exchange (engine/exchange.ts, the parts rules read) for a POST /api/orders
 * answered 201, with `over` changing what a test is about.
 *
 * @example
 * exchange({ path: "/api/payments", status: 200, body: { status: "completed" } })
 */
export function exchange(over: Partial<ExchangeFields> = {}): ServedExchange {
  const f: ExchangeFields = {
    method: "POST",
    path: "/api/orders",
    status: 201,
    headers: { "content-type": "application/json" },
    query: {},
    params: {},
    body: { customer_id: "cust_1" },
    response: { status: 201, headers: {}, body: { id: "ord_1", total: 120 } },
    trace: null,
    requestId: "req_1",
    ...over,
  };
  // `status` is `response.status`: one answer has one status.
  const status = over.status ?? over.response?.status ?? f.status;
  if (over.response && over.status !== undefined && over.response.status !== over.status) throw new Error(`exchange(): status ${over.status} and response.status ${over.response.status} differ`);
  return {
    request: { id: f.requestId, method: f.method, path: f.path, headers: f.headers, query: f.query, body: f.body },
    params: f.params,
    response: { ...f.response, status },
    trace: f.trace ?? { traceId: `trc${f.requestId.slice(3)}`, depth: 0 },
  };
}
