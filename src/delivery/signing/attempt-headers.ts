/**
 * The signing headers of one attempt, made when it is sent (never at queue time): a retry, a
 * `delay_ms`, a replay or a restart's resumed delivery always carries a fresh, valid
 * signature. The stored options keep the block as written, so a `{{env.NAME}}` secret is read
 * from the environment here and the secret itself is not kept with the delivery.
 */
import { signingSchema } from "../../config/schema/signing.js";
import type { Clock } from "../../core/clock.js";
import { MockForgeError } from "../../core/errors.js";
import type { Random } from "../../core/random.js";
import { renderTemplate } from "../../template/index.js";
import type { SigningOptions } from "../types.js";
import { blockFields, schemeOf } from "./presets.js";
import { signScheme, type SchemeHeaders } from "./sign-scheme.js";

export interface AttemptSigningEnv {
  clock: Clock;
  random: Random;
  /** What `{{env.NAME}}` in a secret reads. */
  env: Readonly<Record<string, string | undefined>>;
}

/** The secrets of a signing block, in order (`secret` first, then `secrets`), templates rendered. */
export function renderSecrets(signing: { secret?: string | undefined; secrets?: string[] | undefined }, e: AttemptSigningEnv): string[] {
  const raw = [...(signing.secret ? [signing.secret] : []), ...(signing.secrets ?? [])];
  const missing: string[] = [];
  const evalEnv = { clock: e.clock, random: e.random, warn: (m: string) => missing.push(m) };
  const out = raw.map((s) => String(renderTemplate(s, { env: e.env }, evalEnv) ?? ""));
  if (missing.length > 0) {
    throw new MockForgeError("MFG_ERR_CONFIG_INVALID", `Signing secret refers to a name that is not set: ${missing.join("; ")}`, {
      hint: "Set the environment variable before starting MockForge (a secret may only read `env.NAME`).",
    });
  }
  return out;
}

/**
 * The headers an attempt adds: `webhook-id` and `webhook-timestamp` when unsigned (the
 * delivery's idempotency key, as before), else every header of the scheme. One clock read
 * (`nowMs`) serves the timestamp header and the signed string.
 *
 * @example
 * attemptHeaders({ scheme: "slack", secret: "{{env.SLACK_SIGNING_SECRET}}" }, "msg_1", 1_700_000_000_000, "{}", env)
 * // { signed: { "X-Slack-Request-Timestamp": "1700000000", "X-Slack-Signature": "v0=…" }, extra: {} }
 */
export function attemptHeaders(signing: SigningOptions | undefined, id: string, nowMs: number, body: string, e: AttemptSigningEnv): SchemeHeaders {
  if (!signing) return { signed: { "webhook-id": id, "webhook-timestamp": String(Math.floor(nowMs / 1000)) }, extra: {} };
  const block = parsedBlock(signing);
  return signScheme(schemeOf(block), { id, nowMs, body, secrets: renderSecrets(block, e), fields: blockFields(block) });
}

/**
 * Signing blocks checked once per object: a route's webhook hands the same block to every
 * delivery it starts, and a zod parse per attempt showed in the delivery profile. A block read
 * back from storage is a new object and is checked again. Secrets are still rendered per
 * attempt (they read the environment then).
 */
const checkedBlocks = new WeakMap<SigningOptions, ReturnType<typeof signingSchema.parse>>();
function parsedBlock(signing: SigningOptions): ReturnType<typeof signingSchema.parse> {
  let block = checkedBlocks.get(signing);
  if (!block) {
    const parsed = signingSchema.safeParse(signing);
    if (!parsed.success) {
      throw new MockForgeError("MFG_ERR_CONFIG_INVALID", `Signing block is not valid: ${parsed.error.issues.map((i) => `${i.path.join(".") || "signing"}: ${i.message}`).join("; ")}`);
    }
    block = parsed.data;
    checkedBlocks.set(signing, block);
  }
  return block;
}
