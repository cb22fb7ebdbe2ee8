import { compileTemplate, type Template } from "./compile-template.js";
import { pinClock } from "./pin-clock.js";

/**
 * A body may be written as a YAML value or as JSON text (SPEC §2). JSON text is parsed before
 * it is templated, so it is rendered like the value it holds and an inserted value is escaped
 * as JSON, never pasted into the text (`'{"name": "{{request.body.name}}"}'` stays valid JSON
 * whatever the name holds). A string that is not JSON (plain text, or JSON with a bare
 * `{{ }}` outside quotes) stays a text template.
 *
 * @example
 * jsonTextAsValue('{"a": "{{x}}"}') // { a: "{{x}}" }
 * jsonTextAsValue("hello {{x}}")     // "hello {{x}}"
 */
export function jsonTextAsValue(body: unknown): unknown {
  if (typeof body !== "string") return body;
  const t = body.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return body;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return body;
  }
}

/**
 * Compiles a request body (issue 21): a string is sent byte for byte as written, JSON text
 * included, so a provider's exact payload can be reproduced. In JSON text, only the string
 * values holding `{{ }}` are templated, each rendered as `jsonTextAsValue` would (a whole
 * `"{{x}}"` keeps x's type, anything inserted is escaped as JSON, never pasted in); every other
 * byte (spacing, key order, `1.50`) stays as written. The template's `json` is true for JSON
 * text, so the sender can label it `application/json`.
 *
 * @example
 * compileBodyTemplate('{"id":  "{{request.body.id}}", "amount": 1.50}').render({ request: { body: { id: 7 } } }, env)
 * // '{"id":  7, "amount": 1.50}'
 */
export function compileBodyTemplate(body: unknown, path = ""): Template {
  if (typeof body !== "string" || jsonTextAsValue(body) === body) return compileTemplate(body, path);
  const pieces: (string | Template)[] = [];
  let last = 0;
  // Valid JSON text: every `"` outside a string token opens one, so this finds exactly the string tokens.
  for (const m of body.matchAll(/"(?:[^"\\]|\\.)*"/g)) {
    const isKey = /^\s*:/.test(body.slice(m.index + m[0].length));
    const value = JSON.parse(m[0]) as string;
    if (isKey || !value.includes("{{")) continue;
    pieces.push(body.slice(last, m.index), compileTemplate(value, path));
    last = m.index + m[0].length;
  }
  pieces.push(body.slice(last));
  const slots = pieces.filter((p): p is Template => typeof p !== "string");
  if (slots.length === 0) return { constant: true, json: true, render: () => body, references: () => [] };
  return {
    constant: false,
    json: true,
    render(scope, env) {
      const one = pinClock(env);
      let out = "";
      for (const p of pieces) out += typeof p === "string" ? p : (JSON.stringify(p.render(scope, one)) ?? "null");
      return out;
    },
    references: () => [...new Set(slots.flatMap((t) => t.references()))],
  };
}
