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
