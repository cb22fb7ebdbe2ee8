/**
 * The one redaction of secrets in what MockForge shows: every admin answer (routes, chains,
 * deliveries, the journal, `<route>/logs`, runs) and every log line (create-logger.ts uses
 * REDACT_LOG_PATHS). Signing secrets and the admin token are replaced whole; credential
 * header values keep their first 4 characters, enough to tell two tokens apart, unless the
 * caller asks `?reveal=true` on a server that has an admin token (and so proved it holds it).
 */

/** Header names whose values are credentials. */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-mockforge-token"]);
/** Keys whose values are secrets wherever they appear (`signing.secret`, `http.admin_token`). */
const SECRET_KEYS: ReadonlySet<string> = new Set(["secret", "secrets", "admin_token", "adminToken"]);

export const REDACTED = "[redacted]";

/** `Bearer abc…`: the first 4 characters and a marker. */
export function maskCredential(value: string): string {
  return value.length <= 4 ? REDACTED : `${value.slice(0, 4)}…${REDACTED}`;
}

/**
 * A copy of `value` with secrets redacted (the original is never changed). `reveal` keeps
 * credential header values whole; signing secrets and tokens are never shown.
 *
 * @example
 * redact({ headers: { authorization: "Bearer tok_123" }, signing: { secret: "whsec_x" } })
 * // { headers: { authorization: "Bear…[redacted]" }, signing: { secret: "[redacted]" } }
 */
export function redact(value: unknown, options: { reveal?: boolean } = {}): unknown {
  return walk(value, options.reveal === true, false);
}

/** A key `redact` may change a value under, as it appears in JSON text (a key named so always serializes like this). */
const REDACTABLE_KEY = /"(?:secret|secrets|admin_token|adminToken|headers)":/;

/**
 * `JSON.stringify(redact(value))`, without the copy when the text holds no key `redact` acts
 * on (most events: a copy cost about 5x the stringify, per event and client, on the event stream).
 *
 * @example
 * redactedJson({ id: "req_1", status: 200 }) // '{"id":"req_1","status":200}' (no copy made)
 */
export function redactedJson(value: unknown, options: { reveal?: boolean } = {}): string {
  const text = JSON.stringify(value);
  return REDACTABLE_KEY.test(text) ? JSON.stringify(redact(value, options)) : text;
}

function walk(v: unknown, reveal: boolean, inHeaders: boolean): unknown {
  if (Array.isArray(v)) return v.map((x) => walk(x, reveal, false));
  if (typeof v !== "object" || v === null) return v;
  if (Buffer.isBuffer(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    let value: unknown;
    if (SECRET_KEYS.has(k) && (typeof x === "string" || Array.isArray(x))) value = Array.isArray(x) ? x.map(() => REDACTED) : REDACTED;
    else if (inHeaders && !reveal && CREDENTIAL_HEADERS.has(k.toLowerCase())) value = Array.isArray(x) ? x.map((s) => maskCredential(String(s))) : typeof x === "string" ? maskCredential(x) : x;
    else value = walk(x, reveal, k === "headers");
    // Own data keys such as "__proto__" stay data.
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** pino `redact` paths: the same secrets in log lines (headers logged as objects, tokens, signing secrets). */
export const REDACT_LOG_PATHS: readonly string[] = [
  ...[...CREDENTIAL_HEADERS].flatMap((h) => [`headers["${h}"]`, `*.headers["${h}"]`, `req.headers["${h}"]`]),
  "secret",
  "*.secret",
  "signing.secret",
  "*.signing.secret",
  "admin_token",
  "*.admin_token",
];
