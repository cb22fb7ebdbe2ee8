import { describe, expect, it } from "vitest";
import { z } from "zod";
import { configJsonSchema, toConfigJsonSchema } from "./json-schema.js";

type Json = Record<string, any>;

describe("configJsonSchema", () => {
  it("describes the config: sections, route fields, defaults, both key spellings", () => {
    const schema = configJsonSchema() as Json;
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["http", "routes", "storage", "journal", "webhooks", "scripting"]));
    const route = schema.properties.routes.items;
    expect(route.required).toEqual(["path"]);
    expect(route.properties.method.enum).toContain("ANY");
    expect(route.properties.response.properties.delay_ms.default).toBe(0);
    expect(route.properties.response.properties.delayMs).toEqual(route.properties.response.properties.delay_ms);
    expect(route.additionalProperties).toBe(false);
    expect(schema.properties.http.properties.port.default).toBe(3000);
    // Maps and free-form values stay open.
    expect(route.properties.response.properties.body).toEqual({});
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  it("handles recursive (lazy) schemas with references", () => {
    type Cond = { all_of?: Cond[]; value?: string };
    const cond: z.ZodType<Cond> = z.lazy(() => z.strictObject({ all_of: z.array(cond).optional(), value: z.string().optional() }));
    const json = toConfigJsonSchema(z.strictObject({ when: cond })) as Json;
    const text = JSON.stringify(json);
    expect(text).toContain('"$ref"');
    expect(text).toContain("allOf");
  });
});
