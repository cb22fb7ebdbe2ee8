/**
 * A rule's `webhook`/`http_request` action with a custom signature header, delivered by the real
 * engine to a real receiver: in header templates `body` is the exact outbound body text, while
 * the condition and the url/body templates keep `body` = the served request's body.
 */
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { consistencyRuleSchema } from "../config/schema/rules.js";
import { seededRandom } from "../core/random.js";
import { useLiveDelivery } from "../delivery/test-support/live-delivery.js";
import { createRuleEngine } from "./rule-engine.js";
import { exchange, ruleFakes } from "./test-support/rule-fakes.js";

const live = useLiveDelivery({ random: seededRandom(4), maxAttempts: 1 });

describe("rule outbound actions: custom signature headers", () => {
  it("signs the exact text sent; `body` elsewhere is still the request's body", async () => {
    const fakes = { ...ruleFakes(), deliveries: live.engine, baseUrl: live.receiver.url };
    const rules = createRuleEngine(
      [
        consistencyRuleSchema.parse({
          name: "signed",
          condition: "method == 'POST' AND body.customer_id == 'cust_1'",
          action: {
            type: "webhook",
            url: "/hooks/{{body.customer_id}}",
            headers: { "X-Sig": "{{hmac_sha256(env.SECRET, body)}}", "X-Customer": "{{request.body.customer_id}}" },
            body: { customer: "{{body.customer_id}}", order: "{{response.body.id}}", total: "{{response.body.total}}" },
          },
        }),
      ],
      fakes,
    );
    expect(rules.evaluate(exchange())).toEqual(["signed"]);
    expect(await rules.drain(5000)).toBe(true);
    const [req] = await live.receiver.waitForCount(1);
    expect(req!.url).toBe("/hooks/cust_1");
    expect(JSON.parse(req!.body)).toEqual({ customer: "cust_1", order: "ord_1", total: 120 });
    expect(req!.headers["x-sig"]).toBe(createHmac("sha256", "s3").update(req!.body).digest("hex"));
    expect(req!.headers["x-customer"]).toBe("cust_1");
  });
});
