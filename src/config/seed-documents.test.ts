/**
 * The seed's YAML blocks run through the shared loading pipeline with the section schemas they
 * belong to: the normaliser must handle every construct those schemas use (discriminated
 * unions, getter recursion, records, free-form bodies) and the seed's camelCase keys.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseWithSchema } from "./parse-with-schema.js";
import { chainLinkSchema, chainSchema } from "./schema/chains.js";
import { chaosConfigSchema, hookSchema } from "./schema/chaos.js";
import { intelligentBehaviorSchema } from "./schema/rules.js";
import { toConfigJsonSchema } from "./json-schema.js";

const seed = (name: string) => readFileSync(new URL(`../../test/fixtures/seed/${name}`, import.meta.url), "utf8");
/** Wraps a fragment under `key` without changing a line of it (indentation only). */
const wrap = (key: string, text: string) => `${key}:\n${text.split("\n").map((l) => `  ${l}`).join("\n")}`;

describe("seed documents through parseWithSchema", () => {
  it.each(["03-chain-definition.yaml", "04-example-multi-webhook-chain.yaml", "07-example-1-e-commerce-order-webhook.yaml", "08-example-2-payment-gateway-callbacks.yaml", "09-example-3-event-driven-architecture.yaml"])(
    "chain file %s loads, storeAs/dependsOn mapped, bodies and headers untouched",
    (name) => {
      const { data } = parseWithSchema(seed(name), name, chainSchema);
      expect(data.links.length).toBeGreaterThan(1);
      expect(data.links[0].store_as).toBeTypeOf("string");
      expect(data.links.slice(1).every((l) => l.depends_on !== undefined)).toBe(true);
    },
  );

  it("keeps header names and body keys of the e-commerce example as written", () => {
    const { data } = parseWithSchema(seed("07-example-1-e-commerce-order-webhook.yaml"), "07.yaml", chainSchema);
    expect(data.links[1].request.headers).toEqual({ "X-Webhook-Signature": "{{env.WEBHOOK_SECRET}}" });
    expect(data.links[0].request.body).toMatchObject({ customer_id: "cust_123" });
  });

  it("fragments load when wrapped: a link list, a single link, a post_hooks list", () => {
    const script = parseWithSchema(seed("05-chain-configuration-with-script.yaml"), "05.yaml", z.strictObject({ links: z.array(chainLinkSchema) }));
    expect(script.data.links[0].scripting?.post_script).toContain("mockforge.http.post");
    for (const name of ["11-webhook-retry-logic.yaml", "12-webhook-signing.yaml"]) {
      const { data } = parseWithSchema(wrap("links", seed(name)), name, z.strictObject({ links: z.array(chainLinkSchema) }));
      expect(data.links).toHaveLength(1);
    }
    const hooks = parseWithSchema(seed("10-conditional-webhooks.yaml"), "10.yaml", z.strictObject({ post_hooks: z.array(hookSchema) }));
    expect(hooks.data.post_hooks).toHaveLength(2);
  });

  it("chaos and consistency-rule sections load", () => {
    const sections = z.strictObject({ chaos: chaosConfigSchema.optional(), intelligent_behavior: intelligentBehaviorSchema.optional() });
    for (const name of ["01-configuration.yaml", "02-example-order-placement-webhook.yaml", "06-method-4-consistency-rules.yaml"]) {
      expect(() => parseWithSchema(seed(name), name, sections)).not.toThrow();
    }
    expect(JSON.stringify(toConfigJsonSchema(sections))).toContain("consistency_rules");
  });

  it("reports a typo inside a recursive typed condition with its path", () => {
    const text = "post_hooks:\n  - name: h\n    condition:\n      type: and\n      conditions:\n        - type: equals\n          variabel: x\n          value: 1\n    actions: []\n";
    expect(() => parseWithSchema(text, "h.yaml", z.strictObject({ post_hooks: z.array(hookSchema) }))).toThrow(
      "h.yaml:7:11 post_hooks[0].condition.conditions[0].variabel: unknown key `variabel`",
    );
  });
});
