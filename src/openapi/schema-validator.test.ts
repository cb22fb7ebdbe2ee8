import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSpec } from "./load-spec.js";
import { createSchemaValidators } from "./schema-validator.js";

const dir = mkdtempSync(join(tmpdir(), "mockforge-validator-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec = `openapi: 3.1.0
info: { title: t, version: "1" }
paths:
  /items:
    post:
      requestBody:
        content:
          application/json:
            schema: { $ref: "#/components/schemas/Item" }
      responses: { "201": { description: ok } }
components:
  schemas:
    Item: { type: object, properties: { code: { type: string, pattern: "(" } } }
    Good: { type: object, required: [n], properties: { n: { type: integer } } }
`;

describe("schema validators (compiled on the first value they check)", () => {
  it("check values against a spec schema", async () => {
    writeFileSync(join(dir, "s.yaml"), spec);
    const model = await loadSpec("s.yaml", { dir });
    const v = createSchemaValidators(model.set, model.dialect).forSchema({ file: model.set.root, pointer: "/components/schemas/Good", value: null }, false);
    expect(v({ n: 1 })).toEqual([]);
    expect(v({ n: "x" })).toEqual([{ pointer: "/n", message: expect.stringContaining("integer") }]);
  });

  it("a schema ajv cannot compile (an invalid pattern) fails each value with the reason, without compiling again", async () => {
    writeFileSync(join(dir, "s.yaml"), spec);
    const model = await loadSpec("s.yaml", { dir });
    const v = createSchemaValidators(model.set, model.dialect).forSchema({ file: model.set.root, pointer: "/components/schemas/Item", value: null }, false);
    const first = v({ code: "a" });
    expect(first).toEqual([{ pointer: "", message: expect.stringMatching(/components\/schemas\/Item cannot be compiled/) }]);
    expect(v({ code: "b" })).toBe(first);
  });
});
