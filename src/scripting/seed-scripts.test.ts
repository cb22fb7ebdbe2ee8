/**
 * The seed's "Method 3: Post-Request Scripts" scripts, run as written (SPEC §6). The first is
 * copied from the seed's JavaScript block; the second is read from the seed fixture file.
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { systemClock } from "../core/clock.js";
import { ScriptRuntime } from "./script-runtime.js";
import { recordingHttp } from "./test-support/recording-http.js";

// Verbatim: the body of `post_script: |` in the seed's "JavaScript Script" block.
const SEED_SCRIPT_AWAITED = `const orderId = mockforge.chain_context.get("order_response.id");
const orderTotal = mockforge.chain_context.get("order_response.total");

// Make webhook call
const webhookResponse = await mockforge.http.post(
  "https://webhook.example.com/orders/created",
  {
    event: "order.created",
    order_id: orderId,
    total: orderTotal,
    timestamp: new Date().toISOString()
  }
);

// Store webhook response in context
mockforge.chain_context.set("webhook_response", webhookResponse);

// Log result
console.log("Webhook called:", webhookResponse.status);
`;

const fixture = parse(readFileSync(new URL("../../test/fixtures/seed/05-chain-configuration-with-script.yaml", import.meta.url), "utf8")) as {
  links: { scripting: { post_script: string } }[];
};
const SEED_SCRIPT_FIRE_AND_FORGET = fixture.links[0]!.scripting.post_script;

const runtime = new ScriptRuntime({ clock: systemClock, poolSize: 1 });
afterAll(() => runtime.close());

const chainContext = { order_response: { id: "ord_123", total: 59.98 } };

describe("seed post-request scripts", () => {
  it("awaits the webhook call, stores its response in the chain context and logs the status", async () => {
    const { http, calls } = recordingHttp();
    const r = await runtime.run({ code: SEED_SCRIPT_AWAITED, label: "chain 'orders' link 'create_order' post_script", chainContext }, http);

    expect(r.error).toBeNull();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: "POST", url: "https://webhook.example.com/orders/created" });
    const body = calls[0]!.body as Record<string, unknown>;
    expect(body).toMatchObject({ event: "order.created", order_id: "ord_123", total: 59.98 });
    expect(new Date(body.timestamp as string).toISOString()).toBe(body.timestamp);
    expect(r.chainContext.webhook_response).toEqual({ status: 200, headers: { "content-type": "application/json" }, body: { received: true } });
    expect(r.chainContext.order_response).toEqual(chainContext.order_response);
    expect(r.logs.map((l) => [l.level, l.message])).toEqual([["log", "Webhook called: 200"]]);
    expect(r.httpCalls).toEqual([{ method: "POST", url: "https://webhook.example.com/orders/created", status: 200, error: null, deliveryId: "dlv_1" }]);
  });

  it("awaits the fire-and-forget call after the body returns, so its .then logs", async () => {
    expect(SEED_SCRIPT_FIRE_AND_FORGET).toContain("// Fire and forget (async)");
    const { http, calls } = recordingHttp();
    const r = await runtime.run({ code: SEED_SCRIPT_FIRE_AND_FORGET, label: "chain 'orders' link 'create_order' post_script", chainContext }, http);

    expect(r.error).toBeNull();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body).toMatchObject({ event: "order.created", order_id: "ord_123" });
    expect(r.logs.map((l) => [l.level, l.message])).toEqual([["log", "Webhook sent: 200"]]);
  });

  it("takes the .catch path when the call gets no response", async () => {
    const { http } = recordingHttp(() => {
      throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "MFG_ERR_DELIVERY_CONNECT" });
    });
    const r = await runtime.run({ code: SEED_SCRIPT_FIRE_AND_FORGET, label: "post_script", chainContext }, http);

    expect(r.ok).toBe(true);
    expect(r.logs.map((l) => [l.level, l.message])).toEqual([
      ["error", "Webhook failed: Error: connect ECONNREFUSED 127.0.0.1:9 [MFG_ERR_DELIVERY_CONNECT]"],
    ]);
    expect(r.httpCalls[0]).toMatchObject({ status: null, error: "MFG_ERR_DELIVERY_CONNECT: connect ECONNREFUSED 127.0.0.1:9" });
  });
});
