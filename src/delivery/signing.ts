/**
 * Standard Webhooks v1 signing (SPEC §3) through the `standardwebhooks` package:
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. Pure: the timestamp is an argument.
 */
import { timingSafeEqual } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { MockForgeError } from "../core/errors.js";
import type { Headers } from "../storage/ports.js";
import type { SigningOptions } from "./types.js";

export interface SignatureHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/** Decoding a `whsec_` key is not free; the same few secrets sign every delivery. */
const signers = new Map<string, Webhook>();

function signerFor(secret: string): Webhook {
  let w = signers.get(secret);
  if (!w) {
    try {
      w = new Webhook(secret);
    } catch (e) {
      throw new MockForgeError(
        "MFG_ERR_CONFIG_INVALID",
        `Signing secret is not usable: ${(e as Error).message}`,
        { hint: "Use a Standard Webhooks secret: `whsec_` followed by base64 (at least 24 random bytes)." },
        { cause: e },
      );
    }
    if (signers.size > 100) signers.clear();
    signers.set(secret, w);
  }
  return w;
}

/** The secrets of a signing block, in order (`secret` first, then `secrets`). */
export function signingSecrets(signing: SigningOptions | undefined): string[] {
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
  if (secrets.length === 0) {
    throw new MockForgeError("MFG_ERR_CONFIG_INVALID", "Signing is on but no secret was given", {
      hint: "Set `signing.secret` (or `signing.secrets` to rotate) to a `whsec_…` key.",
    });
  }
  const at = new Date(Math.floor(timestampSeconds) * 1000);
  const signature = secrets.map((s) => signerFor(s).sign(webhookId, at, body)).join(" ");
  return {
    "webhook-id": webhookId,
    "webhook-timestamp": String(Math.floor(timestampSeconds)),
    "webhook-signature": signature,
  };
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

function header(headers: VerifyInput["headers"], name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

/**
 * Checks a Standard Webhooks signature the way a receiver would (for the admin/CLI
 * `verify-signature` helper). Never throws for a bad signature: says why instead.
 *
 * @example
 * verifySignature({ headers: req.headers, body: rawBody, secret: "whsec_…", now: clock.now() })
 * // { ok: false, reason: "timestamp is 900 s away from now (tolerance 300 s)" }
 */
export function verifySignature(input: VerifyInput): VerifyResult {
  const id = header(input.headers, "webhook-id");
  const ts = header(input.headers, "webhook-timestamp");
  const sig = header(input.headers, "webhook-signature");
  const missing = [!id && "webhook-id", !ts && "webhook-timestamp", !sig && "webhook-signature"].filter(Boolean);
  if (missing.length > 0) return { ok: false, reason: `missing header(s): ${missing.join(", ")}` };
  if (!/^\d+$/.test(ts!)) return { ok: false, reason: `webhook-timestamp '${ts}' is not a number of seconds` };
  const tolerance = input.toleranceSeconds ?? 300;
  const skew = Math.floor(input.now / 1000) - Number(ts);
  if (Math.abs(skew) > tolerance) {
    return { ok: false, reason: `timestamp is ${Math.abs(skew)} s ${skew > 0 ? "old" : "in the future"} (tolerance ${tolerance} s)` };
  }
  let expected: string;
  try {
    expected = signHeaders(id!, Number(ts), input.body, [input.secret])["webhook-signature"];
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  const want = Buffer.from(expected.slice(3));
  for (const part of sig!.split(" ")) {
    const [version, value] = part.split(",", 2);
    if (version !== "v1" || value === undefined) continue;
    const got = Buffer.from(value);
    if (got.length === want.length && timingSafeEqual(got, want)) return { ok: true, reason: null };
  }
  return { ok: false, reason: "no v1 signature matches (wrong secret, or the body/id/timestamp changed)" };
}
