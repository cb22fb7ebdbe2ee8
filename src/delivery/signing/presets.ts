/**
 * The providers' schemes as data, each checked end to end against the provider's official SDK
 * (`test/providers.e2e.test.ts`), and the `custom` scheme built from a config block.
 */
import type { CustomSigningConfig, SigningConfig } from "../../config/schema/signing.js";
import type { SchemeDef, SignatureHeaderDef } from "./scheme.js";

const sha256 = (name: string, encoding: "hex" | "base64", item: string, extra: Partial<SignatureHeaderDef> = {}): SignatureHeaderDef => ({
  name,
  algorithm: "sha256",
  encoding,
  item,
  separator: " ",
  value: "{signatures}",
  ...extra,
});

/** Standard Webhooks v1: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, key `whsec_` base64. */
const STANDARD_WEBHOOKS: SchemeDef = {
  name: "standard-webhooks",
  key: "whsec",
  payload: "{id}.{timestamp}.{body}",
  signatures: [sha256("webhook-signature", "base64", "v1,{signature}")],
  idHeader: "webhook-id",
  timestampHeader: "webhook-timestamp",
  headers: {},
  rotation: true,
  toleranceSeconds: 300,
};

/** Svix: Standard Webhooks with its own header names, as the `svix` SDK reads them. */
const SVIX: SchemeDef = {
  ...STANDARD_WEBHOOKS,
  name: "svix",
  signatures: [sha256("svix-signature", "base64", "v1,{signature}")],
  idHeader: "svix-id",
  timestampHeader: "svix-timestamp",
};

/**
 * Stripe: `Stripe-Signature: t=<ts>,v1=<hex HMAC-SHA256 of "ts.body">`; the key is the whole
 * `whsec_…` text as UTF-8 (Stripe does not decode it). No id header: the event id is in the body.
 */
const STRIPE: SchemeDef = {
  name: "stripe",
  key: "utf8",
  payload: "{timestamp}.{body}",
  signatures: [sha256("Stripe-Signature", "hex", "v1={signature}", { separator: ",", value: "t={timestamp},{signatures}" })],
  idHeader: null,
  timestampHeader: null,
  headers: {},
  rotation: true,
  toleranceSeconds: 300,
};

/** GitHub: hex HMAC of the body, as sha256 (checked by `@octokit/webhooks-methods`) and the legacy sha1. */
const GITHUB: SchemeDef = {
  name: "github",
  key: "utf8",
  payload: "{body}",
  signatures: [sha256("X-Hub-Signature-256", "hex", "sha256={signature}"), { ...sha256("X-Hub-Signature", "hex", "sha1={signature}"), algorithm: "sha1" }],
  idHeader: "X-GitHub-Delivery",
  timestampHeader: null,
  headers: { "X-GitHub-Event": "{event}" },
  rotation: false,
  toleranceSeconds: null,
};

/** Slack: `v0=<hex HMAC-SHA256 of "v0:ts:body">` with the timestamp in its own header. */
const SLACK: SchemeDef = {
  name: "slack",
  key: "utf8",
  payload: "v0:{timestamp}:{body}",
  signatures: [sha256("X-Slack-Signature", "hex", "v0={signature}")],
  idHeader: null,
  timestampHeader: "X-Slack-Request-Timestamp",
  headers: {},
  rotation: false,
  toleranceSeconds: 300,
};

/** Shopify: base64 of the HMAC-SHA256 digest bytes of the body, and the headers `webhooks.validate` requires. */
const SHOPIFY: SchemeDef = {
  name: "shopify",
  key: "utf8",
  payload: "{body}",
  signatures: [sha256("X-Shopify-Hmac-Sha256", "base64", "{signature}")],
  idHeader: "X-Shopify-Webhook-Id",
  timestampHeader: null,
  headers: {
    "X-Shopify-Topic": "{topic}",
    "X-Shopify-Shop-Domain": "{shop_domain}",
    "X-Shopify-API-Version": "{api_version}",
    "X-Shopify-Triggered-At": "{timestamp_iso}",
    "X-Shopify-Event-Id": "{id}",
  },
  rotation: false,
  toleranceSeconds: null,
};

export const PRESETS: Readonly<Record<Exclude<SigningConfig["scheme"], "custom">, SchemeDef>> = {
  "standard-webhooks": STANDARD_WEBHOOKS,
  svix: SVIX,
  stripe: STRIPE,
  github: GITHUB,
  slack: SLACK,
  shopify: SHOPIFY,
};

/** The scheme a `custom` block describes. */
export function customScheme(c: CustomSigningConfig): SchemeDef {
  return {
    name: "custom",
    key: c.key,
    payload: c.payload,
    signatures: [{ name: c.header, algorithm: c.algorithm, encoding: c.encoding, item: c.signature, separator: c.separator, value: c.value }],
    idHeader: c.id_header ?? null,
    timestampHeader: c.timestamp_header ?? null,
    headers: c.headers ?? {},
    rotation: true,
    toleranceSeconds: c.tolerance_seconds,
  };
}

/** The scheme a parsed signing block uses. */
export function schemeOf(signing: SigningConfig): SchemeDef {
  return signing.scheme === "custom" ? customScheme(signing) : PRESETS[signing.scheme];
}

/**
 * The block's own fields that headers may name (`{event}`, `{topic}`, `{shop_domain}`,
 * `{api_version}`): every string field except the secrets and the scheme's own layout.
 */
export function blockFields(signing: SigningConfig): Record<string, string> {
  const out: Record<string, string> = {};
  if (signing.scheme === "github") out.event = signing.event;
  if (signing.scheme === "shopify") Object.assign(out, { topic: signing.topic, shop_domain: signing.shop_domain, api_version: signing.api_version });
  return out;
}
