/**
 * Checks an incoming request's signature with any scheme, the way the provider's SDK does:
 * the signature first (any entry, any secret), then the timestamp's age. Never throws for a
 * bad request: it says why, as one of a few stable reasons a test can match on.
 */
import { timingSafeEqual } from "node:crypto";
import { isMockForgeError } from "../../core/errors.js";
import { digest, keyBytes } from "./sign-scheme.js";
import { fill, placeholders, type SchemeDef } from "./scheme.js";

export type VerifyReason = "missing_header" | "malformed_header" | "bad_signature" | "stale_timestamp" | "bad_secret";

export interface SchemeVerifyResult {
  valid: boolean;
  scheme: string;
  /** null when valid. */
  reason: VerifyReason | null;
  /** The reason in words, naming the header or the age; null when valid. */
  message: string | null;
}

export interface SchemeVerifyInput {
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The raw body exactly as received. */
  body: string;
  /** Accepted when any of them verifies. */
  secrets: readonly string[];
  nowMs: number;
  /** Overrides the scheme's own tolerance. */
  toleranceSeconds?: number | undefined;
}

function headerOf(headers: SchemeVerifyInput["headers"], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === lower) return typeof v === "string" ? v : v?.[0];
  }
  return undefined;
}

/** A layout string as a regex capturing its placeholders: `t={timestamp},{signatures}` → `^t=(?<timestamp>.+?),(?<signatures>.+)$`. */
function layoutRegex(layout: string): RegExp {
  let src = "";
  let last = 0;
  for (const m of layout.matchAll(/\{([a-z_]+)\}/g)) {
    src += layout.slice(last, m.index).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const name = m[1]!;
    src += name === "signatures" ? "(?<signatures>.+)" : name === "timestamp" || name === "signature" ? `(?<${name}>.+?)` : ".*?";
    last = m.index + m[0].length;
  }
  src += layout.slice(last).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${src}$`, "s");
}

const fail = (scheme: string, reason: VerifyReason, message: string): SchemeVerifyResult => ({ valid: false, scheme, reason, message });

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * @example
 * verifyScheme(PRESETS.stripe, { headers: req.headers, body: raw, secrets: ["whsec_…"], nowMs: clock.now() })
 * // { valid: false, scheme: "stripe", reason: "stale_timestamp", message: "timestamp is 900 s old (tolerance 300 s)" }
 */
export function verifyScheme(def: SchemeDef, input: SchemeVerifyInput): SchemeVerifyResult {
  const h = def.signatures[0]!;
  const usesId = placeholders(def.payload).includes("id");
  const wanted = [...(usesId && def.idHeader ? [def.idHeader] : []), ...(def.timestampHeader ? [def.timestampHeader] : []), h.name];
  const missing = wanted.filter((n) => !headerOf(input.headers, n));
  if (missing.length > 0) return fail(def.name, "missing_header", `missing header(s): ${missing.join(", ")}`);
  const value = headerOf(input.headers, h.name)!;
  const parts = layoutRegex(h.value).exec(value)?.groups;
  const timestamp = def.timestampHeader ? headerOf(input.headers, def.timestampHeader) : parts?.timestamp;
  const signsTime = placeholders(def.payload).includes("timestamp");
  if (!parts?.signatures || (signsTime && !/^\d+$/.test(timestamp ?? ""))) {
    return fail(def.name, "malformed_header", `${h.name} (or its timestamp) is not in the form ${def.name} sends: ${h.value}`);
  }
  const id = def.idHeader ? (headerOf(input.headers, def.idHeader) ?? "") : "";
  const payload = fill(def.payload, { id, timestamp: timestamp ?? "", body: input.body });
  const itemRe = layoutRegex(h.item);
  const given = parts.signatures.split(h.separator).flatMap((e) => {
    const s = itemRe.exec(e.trim())?.groups?.signature;
    return s ? [s] : [];
  });
  let matched = false;
  try {
    for (const secret of input.secrets) {
      const expected = digest(h, keyBytes(def.key, secret), payload);
      if (given.some((g) => sameText(g, expected))) matched = true;
    }
  } catch (e) {
    if (isMockForgeError(e)) return fail(def.name, "bad_secret", e.message);
    throw e;
  }
  if (!matched) return fail(def.name, "bad_signature", `no signature in ${h.name} matches (wrong secret, or the body, id or timestamp changed)`);
  const tolerance = input.toleranceSeconds ?? def.toleranceSeconds;
  if (signsTime && tolerance !== null) {
    const skew = Math.floor(input.nowMs / 1000) - Number(timestamp);
    if (Math.abs(skew) > tolerance) {
      return fail(def.name, "stale_timestamp", `timestamp is ${Math.abs(skew)} s ${skew > 0 ? "old" : "in the future"} (tolerance ${tolerance} s)`);
    }
  }
  return { valid: true, scheme: def.name, reason: null, message: null };
}
