import { describe, expect, it } from "vitest";
import { z } from "zod";
import { normalizeKeys } from "./normalize-keys.js";
import { chainSchema } from "./schema/chains.js";

const link = (extra: Record<string, unknown>) => ({ request: { id: "a", url: "http://x" }, ...extra });

describe("normalizeKeys", () => {
  it("renames camelCase keys to the schema's snake_case keys at every depth", () => {
    const r = normalizeKeys(
      { links: [link({ storeAs: "order", dependsOn: ["b"], scripting: { postScript: "1", timeoutMs: 5 } })] },
      chainSchema,
    );
    expect(r.problems).toEqual([]);
    expect(r.value).toEqual({
      links: [{ request: { id: "a", url: "http://x" }, store_as: "order", depends_on: ["b"], scripting: { post_script: "1", timeout_ms: 5 } }],
    });
  });

  it("never renames keys of user-named maps or inside free-form values", () => {
    const r = normalizeKeys(
      {
        variables: { orderId: 1 },
        links: [
          {
            request: { id: "a", url: "u", headers: { "X-Webhook-Signature": "s", fooBar: "x" }, body: { customerId: "c", nested: { itemCount: 2 } } },
            extract: { orderId: "body.id" },
          },
        ],
      },
      chainSchema,
    );
    expect(r.problems).toEqual([]);
    const v = r.value as { variables: object; links: { request: { headers: object; body: object }; extract: object }[] };
    expect(v.variables).toEqual({ orderId: 1 });
    expect(v.links[0].request.headers).toEqual({ "X-Webhook-Signature": "s", fooBar: "x" });
    expect(v.links[0].request.body).toEqual({ customerId: "c", nested: { itemCount: 2 } });
    expect(v.links[0].extract).toEqual({ orderId: "body.id" });
  });

  it("reports an unknown key with its full path and the nearest known key", () => {
    const r = normalizeKeys({ links: [link({}), link({}), { request: { id: "c", urll: "u" } }] }, chainSchema);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({
      code: "MFG_ERR_CONFIG_UNKNOWN_KEY",
      path: ["links", 2, "request", "urll"],
      hint: "did you mean `url`?",
      suggestion: "url",
    });
    expect(r.problems[0].message).toContain("links[2].request");
  });

  it("suggests in the user's spelling and lists known keys when nothing is close", () => {
    const r = normalizeKeys({ links: [link({ storeAz: "x", zzzzzzzz: 1 })] }, chainSchema);
    expect(r.problems.map((p) => p.hint)).toEqual([
      "did you mean `storeAs`?",
      "known keys here: request, extract, store_as, depends_on, condition, scripting",
    ]);
  });

  it("refuses the same key written in both spellings", () => {
    const r = normalizeKeys({ links: [link({ store_as: "a", storeAs: "b" })] }, chainSchema);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0].message).toBe("`store_as` and `storeAs` are the same key written twice");
    expect(r.problems[0].path).toEqual(["links", 0, "storeAs"]);
    expect((r.value as { links: { store_as: string }[] }).links[0].store_as).toBe("a");
  });

  it("collects every problem, not just the first", () => {
    const r = normalizeKeys({ nmae: "x", links: [link({ stoerAs: 1 }), { request: { id: "b", url: "u", methd: "GET" } }] }, chainSchema);
    expect(r.problems.map((p) => p.path.join("."))).toEqual(["nmae", "links.0.stoerAs", "links.1.request.methd"]);
  });

  it("maps canonical paths back to the keys as written", () => {
    const r = normalizeKeys({ links: [link({ scripting: { postScript: "x" } })] }, chainSchema);
    expect(r.toOriginalPath(["links", 0, "scripting", "post_script"])).toEqual(["links", 0, "scripting", "postScript"]);
    expect(r.toOriginalPath(["links", 0, "request", "url"])).toEqual(["links", 0, "request", "url"]);
  });

  it("picks the branch of a discriminated union by its `type`", () => {
    const schema = z.array(
      z.discriminatedUnion("type", [
        z.strictObject({ type: z.literal("log"), log_level: z.string() }),
        z.strictObject({ type: z.literal("wait"), duration_ms: z.number() }),
      ]),
    );
    const r = normalizeKeys([{ type: "wait", durationMs: 5 }, { type: "log", logLevel: "x", durationMs: 1 }, { type: "nope", a: 1 }], schema);
    expect(r.value).toEqual([{ type: "wait", duration_ms: 5 }, { type: "log", log_level: "x" }, { type: "nope", a: 1 }]);
    expect(r.problems.map((p) => p.path)).toEqual([[1, "durationMs"]]);
  });

  it("walks the object branch of a plain union and reports its typos", () => {
    const schema = z.array(z.union([z.string(), z.strictObject({ file_name: z.string() })]));
    const r = normalizeKeys(["a.yaml", { fileName: "b" }, { fileNmae: "c" }], schema);
    expect(r.value).toEqual(["a.yaml", { file_name: "b" }, {}]);
    expect(r.problems.map((p) => p.hint)).toEqual(["did you mean `fileName`?"]);
  });

  it("follows lazy (recursive) schemas, optional/nullable/default wrappers and loose objects", () => {
    type Node = { child_node?: Node | null; extra?: unknown };
    const node: z.ZodType<Node> = z.lazy(() => z.strictObject({ child_node: node.nullable().optional(), extra: z.unknown().default(null) }));
    const r = normalizeKeys({ childNode: { childNode: { childNode: null, extra: { keepMe: 1 } } } }, node);
    expect(r.problems).toEqual([]);
    expect(r.value).toEqual({ child_node: { child_node: { child_node: null, extra: { keepMe: 1 } } } });
    const loose = normalizeKeys({ known_key: 1, anyOther: 2 }, z.looseObject({ known_key: z.number() }));
    expect(loose).toMatchObject({ value: { known_key: 1, anyOther: 2 }, problems: [] });
  });

  it("keeps a `__proto__` key in a map as plain data", () => {
    const r = normalizeKeys(JSON.parse('{"headers": {"__proto__": {"polluted": true}}}'), z.strictObject({ headers: z.record(z.string(), z.unknown()) }));
    const headers = (r.value as { headers: Record<string, unknown> }).headers;
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
    expect(Object.hasOwn(headers, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("leaves values of the wrong shape to the schema", () => {
    const r = normalizeKeys({ links: "nope" }, chainSchema);
    expect(r).toMatchObject({ value: { links: "nope" }, problems: [] });
  });
});
