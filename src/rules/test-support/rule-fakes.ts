/**
 * Fakes for rule engine tests: a delivery engine that records queued and sent calls, a chain
 * runner whose behaviour each test sets, and an exchange builder.
 */
import { systemClock } from "../../core/clock.js";
import { memoryLogger } from "../../core/logger.js";
import { seededRandom } from "../../core/random.js";
import type { DeliveryOptions, DeliveryResult, OutboundRequest } from "../../delivery/types.js";
import type { DeliveryRecord } from "../../storage/ports.js";
import { createMemoryRuns } from "../../storage/memory/memory-runs.js";
import type { RuleExchange } from "../rule-exchange.js";
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

export function exchange(over: Partial<RuleExchange> = {}): RuleExchange {
  return {
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
}
