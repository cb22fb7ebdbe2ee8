/**
 * Custom signature headers on a scenario's outbound calls, checked by a real receiver: a hook
 * `http_request` action and a step `request` both render their body first, so a header
 * template's `body` is the exact text the receiver gets.
 */
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { systemClock } from "../core/clock.js";
import { memoryLogger } from "../core/logger.js";
import { seededRandom } from "../core/random.js";
import { useLiveDelivery } from "../delivery/test-support/live-delivery.js";
import { createFaultController } from "./fault-controller.js";
import { runScenario } from "./scenario-runner.js";

const live = useLiveDelivery({ random: seededRandom(2), maxAttempts: 1 });

const hmac = (text: string) => createHmac("sha256", "k").update(text).digest("hex");

describe("scenario outbound calls: custom signature headers", () => {
  it("a hook http_request and a step request sign the exact body text they send", async () => {
    const report = await runScenario(
      {
        name: "signed",
        variables: { order_id: "ord_7" },
        steps: [
          {
            name: "create",
            request: { method: "POST", url: "/api/orders", headers: { "X-Sig": "{{hmac_sha256('k', body)}}" }, body: { order_id: "{{variables.order_id}}", qty: 2 } },
            post_hooks: [
              {
                name: "notify",
                actions: [
                  {
                    type: "http_request",
                    url: "/hooks/orders",
                    headers: { "X-Sig": "{{hmac_sha256('k', body)}}", "X-Status": "{{variables.response_status}}" },
                    body: '{"event": "order.created", "order_id": "{{variables.order_id}}"}',
                  },
                  { type: "http_request", url: "/hooks/empty", headers: { "X-Sig": "{{hmac_sha256('k', body)}}" } },
                ],
              },
            ],
          },
        ],
      },
      {
        deliveries: live.engine,
        faults: createFaultController({ random: seededRandom(1), clock: systemClock }),
        clock: systemClock,
        random: seededRandom(3),
        logger: memoryLogger(),
        env: {},
        baseUrl: live.receiver.url,
      },
    );
    expect(report.status).toBe("succeeded");
    await live.receiver.waitForCount(3);
    const byUrl = (u: string) => live.receiver.received.find((r) => r.url === u)!;

    const step = byUrl("/api/orders");
    expect(JSON.parse(step.body)).toEqual({ order_id: "ord_7", qty: 2 });
    expect(step.headers["x-sig"]).toBe(hmac(step.body));

    const hook = byUrl("/hooks/orders");
    expect(JSON.parse(hook.body)).toEqual({ event: "order.created", order_id: "ord_7" });
    expect(hook.headers["x-sig"]).toBe(hmac(hook.body));
    expect(hook.headers["content-type"]).toBe("application/json");
    // Other names in a header template are unchanged by the `body` rule.
    expect(hook.headers["x-status"]).toBe("200");

    const empty = byUrl("/hooks/empty");
    expect(empty.body).toBe("");
    expect(empty.headers["x-sig"]).toBe(hmac(""));
  });
});
