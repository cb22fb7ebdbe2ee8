/**
 * Value helpers shared by operators, functions and templates. They define the language's
 * coercions in one place, deliberately narrower than JavaScript's.
 */

const NUMERIC = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

/** True for a string holding a decimal number (`"201"`, `" 3.5 "`, `"-1e3"`); not hex, not `""`. */
export function isNumericString(v: unknown): v is string {
  return typeof v === "string" && NUMERIC.test(v);
}

/** The number a value stands for when it is a finite number or a numeric string, else undefined. */
export function asNumber(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (isNumericString(v)) return Number(v);
  return undefined;
}

/** Falsy: `""`, `0`, `NaN`, `null`, `undefined`, `false`. Everything else (including `[]`, `{}`) is truthy. */
export function truthy(v: unknown): boolean {
  return !(v === "" || v === 0 || v === false || v === null || v === undefined || Number.isNaN(v));
}

/**
 * The text form of a value, used by `+`, mixed templates and function arguments:
 * null/undefined → `""`, objects/arrays → JSON text, bytes → UTF-8 text, dates → ISO-8601,
 * everything else via `String`.
 *
 * @example
 * toText({ a: 1 }) // '{"a":1}'
 */
export function toText(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "";
  // Raw bodies may arrive as bytes: their text is the UTF-8 content, not Buffer's JSON form.
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("utf8");
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object") return JSON.stringify(v) ?? "";
  return String(v);
}

/** Structural equality for JSON-like data: arrays element-wise, plain objects by own keys. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false;
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** A short, bounded rendering of a value for error messages. */
export function describeValue(v: unknown): string {
  if (v === undefined) return "undefined";
  const kind = Array.isArray(v) ? "array" : v === null ? "null" : typeof v;
  const text = typeof v === "string" ? `'${v}'` : toText(v);
  const short = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return kind === "null" ? "null" : `${kind} ${short}`;
}
