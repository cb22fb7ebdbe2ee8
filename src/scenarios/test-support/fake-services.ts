/**
 * Fakes for hook and scenario unit tests: a delivery engine that records what it was asked to
 * queue or send (answering `send` from a handler), a chain runner, and a manual clock.
 */
import { ManualClock } from "../../core/clock.js";
import { MockForgeError } from "../../core/errors.js";
import { memoryLogger } from "../../core/logger.js";
import { seededRandom } from "../../core/random.js";
import type { DeliveryOptions, DeliveryResult, OutboundRequest } from "../../delivery/types.js";
import type { DeliveryRecord } from "../../storage/ports.js";
import type { ChainRunner, HookServices } from "../hook-services.js";

export interface Call {
  request: OutboundRequest;
  options: DeliveryOptions;
}

export type SendHandler = (request: OutboundRequest) => Partial<DeliveryResult> | Promise<Partial<DeliveryResult>>;

export interface FakeServices extends HookServices {
  clock: ManualClock;
  logger: ReturnType<typeof memoryLogger>;
  queued: Call[];
  sent: Call[];
  sendHandler: SendHandler;
}

export function fakeServices(overrides: Partial<Pick<HookServices, "chains" | "env" | "baseUrl">> = {}): FakeServices {
  let n = 0;
  const queued: Call[] = [];
  const sent: Call[] = [];
  const self: FakeServices = {
    clock: new ManualClock(),
    random: seededRandom(1),
    logger: memoryLogger(),
    env: { WEBHOOK_TOKEN: "tok_1" },
    baseUrl: "http://127.0.0.1:3999",
    queued,
    sent,
    sendHandler: () => ({ status: 200, body: {} }),
    deliveries: {
      async enqueue(request, options) {
        queued.push({ request, options });
        return { id: `dlv_${++n}`, status: "pending" } as DeliveryRecord;
      },
      async send(request, options) {
        sent.push({ request, options });
        const r = await self.sendHandler(request);
        const status = r.status ?? 200;
        return {
          deliveryId: `dlv_${++n}`,
          webhookId: `msg_${n}`,
          ok: status >= 200 && status < 400,
          status,
          headers: {},
          body: null,
          rawBody: "",
          attempts: 1,
          durationMs: 1,
          error: null,
          ...r,
        };
      },
    },
    ...overrides,
  };
  return self;
}

/** A chain runner that knows the given ids; others reject as the real registry does. */
export function fakeChains(known: Record<string, "succeeded" | "failed" | "partial">): ChainRunner & { calls: { chainId: string; variables: unknown; traceId: unknown }[] } {
  const calls: { chainId: string; variables: unknown; traceId: unknown }[] = [];
  let n = 0;
  return {
    calls,
    async run(chainId, req) {
      calls.push({ chainId, variables: req.variables, traceId: req.traceId });
      const status = known[chainId];
      if (!status) {
        throw new MockForgeError("MFG_ERR_CHAIN_NOT_FOUND", `Chain '${chainId}' is not loaded`);
      }
      return { id: `run_${++n}`, status, error: status === "failed" ? { code: "X", message: "link failed" } : null };
    },
  };
}
