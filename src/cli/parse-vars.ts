/** `--var k=v` (repeatable) → an object; values that parse as JSON (numbers, true, {...}) keep their type. */
export function collectVar(value: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const eq = value.indexOf("=");
  if (eq <= 0) throw new Error(`--var takes name=value, got '${value}'`);
  const name = value.slice(0, eq);
  const raw = value.slice(eq + 1);
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    /* a plain string */
  }
  return { ...previous, [name]: parsed };
}
