/**
 * Standard Webhooks v1 signing (SPEC §3) as the older single-scheme API: `signHeaders` and
 * `verifySignature` are the `standard-webhooks` preset of the scheme engine in `signing/`,
 * kept because the public API exports them. Pure: the timestamp is an argument.
 */
import type { Headers } from "../storage/ports.js";
import { PRESETS } from "./signing/presets.js";
import { signScheme } from "./signing/sign-scheme.js";
import { verifyScheme } from "./signing/verify-scheme.js";

export interface SignatureHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/** The secrets of a signing block, in order (`secret` first, then `secrets`). */
export function signingSecrets(signing: { scheme?: string; secret?: string | undefined; secrets?: string[] | undefined } | undefined): string[] {
  if (!signing) return [];
  return [...(signing.secret ? [signing.secret] : []), ...(signing.secrets ?? [])];
}

/**
 * The three Standard Webhooks headers for one attempt. Several secrets (rotation) give
 * several space-separated signatures; a receiver accepts if any matches.
 *
 * @example
 * signHeaders("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}', ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
 * // { "webhook-id": "msg_p5j…", "webhook-timestamp": "1614265330", "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" }
 */
export function signHeaders(webhookId: string, timestampSeconds: number, body: string, secrets: string[]): SignatureHeaders {
  const { signed } = signScheme(PRESETS["standard-webhooks"], { id: webhookId, nowMs: Math.floor(timestampSeconds) * 1000, body, secrets });
  return signed as unknown as SignatureHeaders;
}

export interface VerifyInput {
  headers: Headers | Record<string, string | undefined>;
  body: string;
  secret: string;
  /** How far `webhook-timestamp` may be from `now`. Default 300 s, as the standard suggests. */
  toleranceSeconds?: number;
  /** Epoch ms to check the timestamp against. */
  now: number;
}

export type VerifyResult = { ok: true; reason: null } | { ok: false; reason: string };

/**
 * Checks a Standard Webhooks signature the way a receiver would. Never throws for a bad
 * signature: says why instead.
 *
 * @example
 * verifySignature({ headers: req.headers, body: rawBody, secret: "whsec_…", now: clock.now() })
 * // { ok: false, reason: "timestamp is 900 s old (tolerance 300 s)" }
 */
export function verifySignature(input: VerifyInput): VerifyResult {
  const r = verifyScheme(PRESETS["standard-webhooks"], {
    headers: input.headers,
    body: input.body,
    secrets: [input.secret],
    nowMs: input.now,
    toleranceSeconds: input.toleranceSeconds,
  });
  return r.valid ? { ok: true, reason: null } : { ok: false, reason: r.message! };
}
