/**
 * Signs one request with any scheme. Pure: the time is an argument, so the timestamp header
 * and the signed string always come from the same single clock read of the attempt.
 */
import { createHmac } from "node:crypto";
import { isBase64Key } from "../../config/schema/signing.js";
import { MockForgeError } from "../../core/errors.js";
import { fill, type SchemeDef, type SignatureHeaderDef } from "./scheme.js";

export interface SignInput {
  /** The delivery's stable id (idempotency key): the same on every retry and replay. */
  id: string;
  /** The attempt's one clock read, epoch ms. */
  nowMs: number;
  /** The exact body text sent ("" for none). */
  body: string;
  secrets: readonly string[];
  /** The block's own fields (`event`, `topic`…) for header placeholders. */
  fields?: Readonly<Record<string, string>>;
}

/**
 * The HMAC key bytes of a secret. `whsec`/`base64`: base64 after an optional `whsec_` prefix
 * (Standard Webhooks, Svix); `utf8`: the secret's own bytes (Stripe, GitHub, Slack, Shopify).
 */
export function keyBytes(key: SchemeDef["key"], secret: string): Buffer {
  if (key === "utf8") return Buffer.from(secret, "utf8");
  const b64 = secret.startsWith("whsec_") ? secret.slice(6) : secret;
  // The rule `validate` applies to literal secrets at load (config/schema/signing.ts).
  if (!isBase64Key(b64)) {
    throw new MockForgeError("MFG_ERR_CONFIG_INVALID", "Signing secret is not usable: it is not base64 after `whsec_`", {
      hint: "This scheme decodes its key: use `whsec_` followed by base64 (at least 24 random bytes), as Standard Webhooks and Svix issue them.",
    });
  }
  return Buffer.from(b64, "base64");
}

/** One digest of `payload`, written as the header wants it (hex or base64 of the digest bytes). */
export function digest(h: Pick<SignatureHeaderDef, "algorithm" | "encoding">, key: Buffer, payload: string): string {
  return createHmac(h.algorithm, key).update(payload, "utf8").digest(h.encoding);
}

/** The placeholders every scheme string can use at this moment. */
export function timeVars(id: string, nowMs: number): Record<string, string> {
  const seconds = Math.floor(nowMs / 1000);
  return { id, timestamp: String(seconds), timestamp_iso: new Date(seconds * 1000).toISOString() };
}

/** Throws unless `secrets` fits the scheme: at least one, and one only where the provider sends one signature. */
export function checkSecrets(def: SchemeDef, secrets: readonly string[]): void {
  if (secrets.length === 0) {
    throw new MockForgeError("MFG_ERR_CONFIG_INVALID", `Signing (${def.name}) is on but no secret was given`, {
      hint: "Set `signing.secret` (or `signing.secrets` to rotate); `{{env.NAME}}` reads it from the environment.",
    });
  }
  if (secrets.some((s) => s === "")) {
    throw new MockForgeError("MFG_ERR_CONFIG_INVALID", `Signing (${def.name}): a secret is empty (an \`{{env.NAME}}\` that is not set?)`, {
      hint: "Set the environment variable the secret names, or write the secret in the config.",
    });
  }
  if (!def.rotation && secrets.length > 1) {
    throw new MockForgeError("MFG_ERR_CONFIG_INVALID", `${def.name} sends one signature, so it takes one secret (got ${secrets.length})`);
  }
}

/** What a scheme adds to a request. */
export interface SchemeHeaders {
  /** The id, timestamp and signature headers: they replace any header of the same name. */
  signed: Record<string, string>;
  /** The provider's other headers (`X-GitHub-Event`…): a header the request already has wins. */
  extra: Record<string, string>;
}

/**
 * Every header the scheme adds to one attempt: the id and timestamp headers, the signature
 * header(s) (one entry per secret where the scheme rotates), and the provider's other headers.
 *
 * @example
 * signScheme(PRESETS.stripe, { id: "msg_1", nowMs: 1_700_000_000_000, body: '{"id":"evt_1"}', secrets: ["whsec_test"] })
 * // { signed: { "Stripe-Signature": "t=1700000000,v1=5f0c…" }, extra: {} }
 */
export function signScheme(def: SchemeDef, input: SignInput): SchemeHeaders {
  checkSecrets(def, input.secrets);
  // Object.assign, not spreads: this runs per attempt (see "Object spreads" in docs/performance.md).
  const vars: Record<string, string> = Object.assign({}, input.fields, timeVars(input.id, input.nowMs));
  const payload = fill(def.payload, Object.assign({}, vars, { body: input.body }));
  const keys = input.secrets.map((s) => keyBytes(def.key, s));
  const signed: Record<string, string> = {};
  if (def.idHeader) signed[def.idHeader] = input.id;
  if (def.timestampHeader) signed[def.timestampHeader] = vars.timestamp!;
  for (const h of def.signatures) {
    const signatures = keys.map((k) => fill(h.item, { signature: digest(h, k, payload) })).join(h.separator);
    signed[h.name] = fill(h.value, Object.assign({}, vars, { signatures }));
  }
  const extra: Record<string, string> = {};
  for (const [name, value] of Object.entries(def.headers)) extra[name] = fill(value, vars);
  return { signed, extra };
}
