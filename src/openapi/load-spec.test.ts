import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isMockForgeError } from "../core/errors.js";
import { loadSpec } from "./load-spec.js";
import { OpenApiError } from "./spec-problem.js";
import { payloadFor } from "./sample-payload.js";

const dir = mkdtempSync(join(tmpdir(), "mockforge-openapi-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return name;
};
const fails = async (name: string, options: Parameters<typeof loadSpec>[1] = {}): Promise<OpenApiError> => {
  const e = await loadSpec(name, { dir, ...options }).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(OpenApiError);
  return e as OpenApiError;
};

const ok30 = `openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: "./schemas.yaml#/Node" }
`;

describe("loading a spec", () => {
  it("reads 3.0 YAML with $refs across files and a circular schema, and samples it deterministically", async () => {
    write("schemas.yaml", "Node:\n  type: object\n  required: [id]\n  properties:\n    id: { type: string, format: uuid }\n    next: { $ref: '#/Node' }\n");
    const m = await loadSpec(write("ok30.yaml", ok30), { dir });
    expect(m.version).toBe("3.0.3");
    expect(m.operations.map((o) => [o.method, o.path, o.key])).toEqual([["GET", "/pets/{id}", "getPet"]]);
    const media = m.operations[0]!.responses[0]!.media;
    const a = payloadFor(m.set, media, "response");
    expect(a.source).toBe("sample");
    expect(a.value).toEqual(payloadFor(m.set, media, "response").value);
    expect((a.value as { id: string }).id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("reads 3.1 JSON with webhooks", async () => {
    const doc = { openapi: "3.1.0", info: { title: "t", version: "1" }, webhooks: { newPet: { post: { requestBody: { content: { "application/json": { schema: { type: "object", properties: { n: { const: 3 } } } } } } } } } };
    const m = await loadSpec(write("ok31.json", JSON.stringify(doc)), { dir });
    expect(m.dialect).toBe("oas31");
    expect(m.webhooks.map((w) => w.name)).toEqual(["newPet"]);
    expect(payloadFor(m.set, m.webhooks[0]!.operations[0]!.media, "request").value).toEqual({ n: 3 });
  });

  it("reports a dangling $ref where it is written: pointer and line", async () => {
    const e = await fails(write("dangling.yaml", ok30.replace("./schemas.yaml#/Node", "#/components/schemas/Missing")));
    expect(e.code).toBe("MFG_ERR_OPENAPI_REF");
    expect(e.problems[0]).toMatchObject({ file: "dangling.yaml", line: 13, pointer: "/paths/~1pets~1{id}/get/responses/200/content/application~1json/schema/$ref" });
    expect(e.format()).toContain("dangling.yaml:13");
  });

  it("reports a reference to a missing file", async () => {
    const e = await fails(write("nofile.yaml", ok30.replace("./schemas.yaml", "./nope.yaml")));
    expect(e.problems[0]!.message).toMatch(/nope\.yaml does not exist/);
  });

  it("a schema $ref loop that never reaches a schema (A → B → A) loads and samples as null instead of hanging", async () => {
    const text = ok30.replace("./schemas.yaml#/Node", "#/components/schemas/A") + "components:\n  schemas:\n    A: { $ref: '#/components/schemas/B' }\n    B: { $ref: '#/components/schemas/A' }\n";
    const m = await loadSpec(write("loop.yaml", text), { dir });
    expect(payloadFor(m.set, m.operations[0]!.responses[0]!.media, "response").value).toBeNull();
  });

  it("reports a wrong type with pointer and line", async () => {
    const e = await fails(write("wrongtype.yaml", ok30.replace("schema: { type: string }", "schema: { type: strin }")));
    expect(e.problems[0]).toMatchObject({ code: "MFG_ERR_OPENAPI_INVALID", line: 7 });
    expect(e.problems[0]!.pointer).toMatch(/parameters\/0\/schema\/type$/);
    const e2 = await fails(write("wrongtype2.yaml", ok30.replace("operationId: getPet", "operationId: [1]")));
    expect(e2.problems[0]).toMatchObject({ pointer: "/paths/~1pets~1{id}/get/operationId", line: 6 });
  });

  it("refuses Swagger 2.0 with a convert-first error, and unknown versions naming the known ones", async () => {
    const s2 = await fails(write("s2.yaml", 'swagger: "2.0"\ninfo: { title: t, version: "1" }\npaths: {}\n'));
    expect(s2.code).toBe("MFG_ERR_OPENAPI_SWAGGER2");
    expect(s2.details.hint).toMatch(/convert it to 3\.x first/);
    const v = await fails(write("v4.yaml", 'openapi: "4.0.0"\ninfo: { title: t, version: "1" }\npaths: {}\n'));
    expect(v.code).toBe("MFG_ERR_OPENAPI_VERSION");
    expect(v.problems[0]).toMatchObject({ line: 1 });
    expect(v.details.hint).toMatch(/3\.0\.x and 3\.1\.x/);
    const lenient = await fails("v4.yaml", { lenient: true });
    expect(lenient.code).toBe("MFG_ERR_OPENAPI_VERSION");
  });

  it("refuses a callback expression that does not parse, at its key", async () => {
    const text = ok30.replace("      responses:", "      callbacks:\n        onDone:\n          '{$request.cookie.x}':\n            post: { responses: { '200': { description: ok } } }\n      responses:");
    const e = await fails(write("badexpr.yaml", text));
    expect(e.code).toBe("MFG_ERR_OPENAPI_EXPRESSION");
    expect(e.problems[0]).toMatchObject({ line: 10 });
  });

  it("lenient: serves the sound operations and lists what was skipped", async () => {
    const text = `${ok30}  /broken:
    get:
      responses:
        "200": { $ref: "#/components/responses/Nope" }
`;
    write("lenient.yaml", text);
    await fails("lenient.yaml");
    const m = await loadSpec("lenient.yaml", { dir, lenient: true });
    expect(m.operations.map((o) => o.key)).toEqual(["getPet"]);
    expect(m.skipped).toHaveLength(1);
    expect(m.skipped[0]!.pointer).toBe("/paths/~1broken/get/responses/200/$ref");
  });

  it("a webhook with no request body is kept (sent without a body) and warned about", async () => {
    const m = await loadSpec(write("nobody.yaml", 'openapi: 3.1.0\ninfo: { title: t, version: "1" }\nwebhooks:\n  ping:\n    post:\n      responses: { "200": { description: ok } }\n'), { dir });
    expect(m.webhooks[0]!.operations[0]!.media).toBeNull();
    expect(m.warnings.join("\n")).toMatch(/no requestBody; it is sent without a body/);
  });

  it("a file that is not YAML is a parse error with its line; a missing file is not-found", async () => {
    const e = await fails(write("bad.yaml", "openapi: 3.1.0\ninfo: [\n"));
    expect(e.code).toBe("MFG_ERR_OPENAPI_PARSE");
    const nf = await loadSpec("nope.yaml", { dir }).catch((x: unknown) => x);
    expect(isMockForgeError(nf, "MFG_ERR_OPENAPI_NOT_FOUND")).toBe(true);
  });

  it("loads a 10 MB spec (JSON) in well under its budget", async () => {
    const paths: Record<string, unknown> = {};
    for (let i = 0; i < 4000; i++) paths[`/r${i}`] = { get: { operationId: `op${i}`, description: "x".repeat(2500), responses: { "200": { description: "ok", content: { "application/json": { example: { i } } } } } } };
    const text = JSON.stringify({ openapi: "3.1.0", info: { title: "big", version: "1" }, paths });
    expect(text.length).toBeGreaterThan(10_000_000);
    const t = performance.now();
    const m = await loadSpec(write("big.json", text), { dir });
    expect(m.operations).toHaveLength(4000);
    expect(performance.now() - t).toBeLessThan(10_000);
  });
});
