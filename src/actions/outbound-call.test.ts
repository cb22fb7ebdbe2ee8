/**
 * The one outbound call: what its callers rely on being the same for all of them (the body
 * before the headers, the options built from the call's fields) and what they choose (how a URL
 * is read, whether a condition holds).
 */
import { describe, expect, it } from "vitest";
import { systemClock } from "../core/clock.js";
import { systemRandom } from "../core/random.js";
import type { DeliveryOptions, OutboundRequest } from "../delivery/types.js";
import type { EvalEnv } from "../expr/index.js";
import type { DeliveryRecord } from "../storage/ports.js";
import { callOptions, compileOutboundCall, prepareCall, queuePrepared } from "./outbound-call.js";

const env: EvalEnv = { clock: systemClock, random: systemRandom };

describe("compileOutboundCall", () => {
  it("renders method, URL, body and then headers that read the exact body text", () => {
    const call = compileOutboundCall({ method: "{{request.method}}", url: " {{env.HOOK}}/orders ", body: { id: "{{request.body.id}}" }, headers: { "X-Body": "{{body}}" } }, "routes[0].webhooks[0]");
    const r = prepareCall(call, { request: { method: "put", body: { id: 7 } }, env: { HOOK: "http://127.0.0.1:4000" } }, env, {})!;
    expect(r.request).toEqual({ method: "PUT", url: "http://127.0.0.1:4000/orders", headers: { "X-Body": '{"id":7}', "content-type": "application/json" }, body: { id: 7 } });
  });

  it("a path is resolved against the base only when the caller asks (actions), and a bad URL is then refused before queueing", () => {
    const call = compileOutboundCall({ url: "/api/orders" }, "hooks[0]");
    expect(prepareCall(call, {}, env, { resolveAgainst: { baseUrl: "http://127.0.0.1:3000/mock/" } })!.request.url).toBe("http://127.0.0.1:3000/mock/api/orders");
    // Route webhooks and chain links hand it to the delivery engine as written, which records it as failed.
    expect(prepareCall(call, {}, env, {})!.request.url).toBe("/api/orders");
    expect(() => prepareCall(call, {}, env, { resolveAgainst: { baseUrl: undefined } })).toThrow(expect.objectContaining({ code: "MFG_ERR_DELIVERY_INVALID_URL" }));
  });

  it("a false condition makes no call; a bad condition names its config path", () => {
    const call = compileOutboundCall({ url: "http://h/x", condition: "response.status == 201" }, "routes[0].webhooks[1]");
    expect(prepareCall(call, { response: { status: 200 } }, env, {})).toBeNull();
    expect(prepareCall(call, { response: { status: 201 } }, env, {})).not.toBeNull();
    expect(() => compileOutboundCall({ url: "http://h", condition: "a ==" }, "routes[0].webhooks[1]")).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ path: "routes[0].webhooks[1].condition" }) }),
    );
  });

  it("queues with the call's own retry, signing, timeout and delay, its source and its trace", async () => {
    const call = compileOutboundCall({ url: "http://h/x", retry: { max_attempts: 2 }, timeout_ms: 500, delay_ms: 0 }, "");
    const seen: [OutboundRequest, DeliveryOptions][] = [];
    const deliveries = { enqueue: async (r: OutboundRequest, o: DeliveryOptions) => (seen.push([r, o]), { id: "dlv_1" } as DeliveryRecord) };
    const record = await queuePrepared(deliveries, call, prepareCall(call, {}, env, {})!, { source: { kind: "route", id: "POST /x" }, trace: { traceId: "trc_1", depth: 2 } });
    expect(record.id).toBe("dlv_1");
    expect(seen[0]![1]).toEqual({ source: { kind: "route", id: "POST /x" }, retry: { max_attempts: 2 }, timeout_ms: 500, delay_ms: 0, traceId: "trc_1", traceDepth: 2 });
    // Without its own signing the engine's `webhooks.signing` applies: nothing is set.
    expect(callOptions({}, { source: { kind: "chain", id: "c" }, trace: { traceId: null, depth: 0 } })).toEqual({ source: { kind: "chain", id: "c" }, traceId: null, traceDepth: 0 });
  });
});
