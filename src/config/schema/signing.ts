/**
 * Config schemas for signing outbound calls and verifying incoming ones (SPEC §3, issue 21).
 * One branch per scheme (discriminated by `scheme`), so a key that a scheme does not use is an
 * error rather than silently ignored (`topic` on a Stripe block). Plain zod, no transforms, so
 * the config normaliser can walk it; a block's secrets are checked by `validateSigning`.
 */
import { z } from "zod";

/** A secret, or a `{{env.NAME}}` template read from the environment when each attempt is signed. */
const secret = z.string().min(1);

/** Providers that send one signature per secret (Standard Webhooks `v1,` entries, Stripe `v1=` entries). */
const rotating = {
  secret: secret.optional(),
  secrets: z.array(secret).min(1).optional().describe("Several secrets (rotation): one signature per secret"),
};

/** Providers that send exactly one signature: a second secret would have nowhere to go. */
function single(provider: string) {
  return {
    secret: secret.optional(),
    secrets: z
      .array(secret)
      .min(1)
      .max(1, { error: `${provider} sends one signature, so it takes one secret (the provider has no key rotation)` })
      .optional(),
  };
}

export const standardWebhooksSigningSchema = z.strictObject({ scheme: z.literal("standard-webhooks"), ...rotating });
export const svixSigningSchema = z.strictObject({ scheme: z.literal("svix"), ...rotating });
export const stripeSigningSchema = z.strictObject({ scheme: z.literal("stripe"), ...rotating });

export const githubSigningSchema = z.strictObject({
  scheme: z.literal("github"),
  ...single("GitHub"),
  event: z.string().min(1).describe("Sent as X-GitHub-Event, e.g. `push`, `pull_request`"),
});

export const slackSigningSchema = z.strictObject({ scheme: z.literal("slack"), ...single("Slack") });

export const shopifySigningSchema = z.strictObject({
  scheme: z.literal("shopify"),
  ...single("Shopify"),
  topic: z.string().min(1).describe("Sent as X-Shopify-Topic, e.g. `orders/create`"),
  shop_domain: z.string().min(1).default("mockforge-test.myshopify.com").describe("Sent as X-Shopify-Shop-Domain"),
  api_version: z.string().min(1).default("2025-10").describe("Sent as X-Shopify-API-Version"),
});

/**
 * A scheme written in the config, with the same fields the presets are made of. Placeholders:
 * `{id}` (the delivery's stable id), `{timestamp}` (seconds), `{timestamp_iso}`, `{body}`,
 * `{signature}` (in `signature`), `{signatures}` (in `value`).
 */
export const customSigningSchema = z.strictObject({
  scheme: z.literal("custom"),
  ...rotating,
  algorithm: z.enum(["sha256", "sha1", "sha512"]).default("sha256"),
  key: z.enum(["utf8", "whsec", "base64"]).default("utf8").describe("utf8: the secret's bytes; whsec/base64: base64 after an optional `whsec_`"),
  encoding: z.enum(["hex", "base64"]).default("hex").describe("How the digest bytes are written"),
  payload: z.string().min(1).default("{body}").describe("The signed string, e.g. `{timestamp}.{body}`"),
  header: z.string().min(1).describe("The header that carries the signature(s)"),
  signature: z.string().min(1).default("{signature}").describe("One signature entry, e.g. `v1={signature}`"),
  separator: z.string().min(1).default(" ").describe("Between entries when several secrets sign"),
  value: z.string().min(1).default("{signatures}").describe("The header value, e.g. `t={timestamp},{signatures}`"),
  id_header: z.string().min(1).optional().describe("Carries the delivery's stable id"),
  timestamp_header: z.string().min(1).optional().describe("Carries `{timestamp}`"),
  headers: z.record(z.string(), z.string()).optional().describe("More headers; values may hold the placeholders"),
  tolerance_seconds: z.number().int().min(1).default(300).describe("Verifying: how old `{timestamp}` may be"),
});

/** `signing` on a webhook, hook or rule action, chain link, or `webhooks.signing` for all of them. */
export const signingSchema = z.discriminatedUnion("scheme", [
  standardWebhooksSigningSchema,
  svixSigningSchema,
  stripeSigningSchema,
  githubSigningSchema,
  slackSigningSchema,
  shopifySigningSchema,
  customSigningSchema,
]);
export type SigningConfig = z.infer<typeof signingSchema>;
export type SigningInput = z.input<typeof signingSchema>;
export type SigningScheme = SigningConfig["scheme"];
export type CustomSigningConfig = z.infer<typeof customSigningSchema>;

/** The scheme names a `signing` or `verify` block accepts. */
export const SIGNING_SCHEMES: readonly SigningScheme[] = ["standard-webhooks", "svix", "stripe", "github", "slack", "shopify", "custom"];

/**
 * `verify` on a route: check incoming requests' signatures with the same schemes. The outcome
 * is journaled (`signature.valid`); with `enforce`, an invalid one is answered 400.
 */
export const routeVerifySchema = z.strictObject({
  scheme: z.enum(["standard-webhooks", "svix", "stripe", "github", "slack", "shopify"]),
  secret: secret.optional(),
  secrets: z.array(secret).min(1).optional().describe("Accepted when any of them verifies (rotation)"),
  tolerance_seconds: z.number().int().min(1).optional().describe("Default: the provider SDK's (300 s where it checks time)"),
  enforce: z.boolean().default(false).describe("Answer 400 to a request whose signature does not verify"),
});
export type RouteVerifyConfig = z.infer<typeof routeVerifySchema>;

/**
 * Semantic check the schema cannot express: a signing or verify block must carry a secret.
 * Returns a message naming the problem, or null when fine.
 *
 * @example
 * validateSigning({ scheme: "stripe" }) // "signing needs `secret` or `secrets` …"
 */
export function validateSigning(signing: SigningBlock | undefined): string | null {
  return signingProblem(signing)?.message ?? null;
}

type SigningBlock = { scheme: string; secret?: string | undefined; secrets?: string[] | undefined };

/** Like `validateSigning`, with where in the block the problem is (`["secrets", 1]`; [] for the block). */
export function signingProblem(signing: SigningBlock | undefined): { path: (string | number)[]; message: string } | null {
  if (!signing) return null;
  if (!signing.secret && !(signing.secrets && signing.secrets.length > 0)) {
    return { path: [], message: `signing needs \`secret\` or \`secrets\` (scheme ${signing.scheme}: ${secretHint(signing.scheme)})` };
  }
  const decoded = signing.scheme === "standard-webhooks" || signing.scheme === "svix" || (signing.scheme === "custom" && ["whsec", "base64"].includes(String((signing as { key?: string }).key)));
  if (decoded) {
    const all = signing.secrets ?? [signing.secret!];
    const bad = all.findIndex((s) => base64KeyProblem(s) !== null);
    if (bad >= 0) {
      const which = signing.secrets ? `secrets[${bad}]` : "secret";
      const message = `signing ${which} is not usable: ${base64KeyProblem(all[bad]!)} (scheme ${signing.scheme} decodes its key: use ${secretHint(signing.scheme === "custom" ? "svix" : signing.scheme)}, at least 24 random bytes)`;
      return { path: signing.secrets ? ["secrets", bad] : ["secret"], message };
    }
  }
  const custom = signing.scheme === "custom" ? customLayoutProblem(signing as CustomSigningInput) : null;
  return custom ? { path: [], message: custom } : null;
}

/**
 * Why `secret` cannot be a base64 HMAC key (after an optional `whsec_`), or null when it can.
 * The signer applies the same rule to each attempt (`keyBytes`); a `{{env.NAME}}` secret is
 * read when signing, so it is checked then, not here.
 */
export function base64KeyProblem(secret: string): string | null {
  if (secret.includes("{{")) return null;
  return isBase64Key(secret.startsWith("whsec_") ? secret.slice(6) : secret) ? null : "it is not base64 after `whsec_`";
}

/** True when `b64` (the part after `whsec_`) is base64 text of at least one byte. */
export function isBase64Key(b64: string): boolean {
  return /^[A-Za-z0-9+/]+={0,2}$/.test(b64) && Buffer.from(b64, "base64").length > 0;
}

type CustomSigningInput = z.input<typeof customSigningSchema>;

const TIME_NAMES = ["id", "timestamp", "timestamp_iso"];

/** A custom block's placeholders must be ones the signer fills, and the layout must hold the signature. */
function customLayoutProblem(c: CustomSigningInput): string | null {
  const names = (t: string | undefined) => [...(t ?? "").matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]!);
  const check = (field: string, text: string | undefined, allowed: string[]): string | null => {
    const bad = names(text).filter((n) => !allowed.includes(n));
    return bad.length > 0 ? `custom signing \`${field}\` uses {${bad.join("}, {")}}; it may use {${allowed.join("}, {")}}` : null;
  };
  const problems = [
    check("payload", c.payload, [...TIME_NAMES, "body"]),
    check("signature", c.signature, ["signature"]),
    check("value", c.value, [...TIME_NAMES, "signatures"]),
    ...Object.entries(c.headers ?? {}).map(([k, v]) => check(`headers.${k}`, v, TIME_NAMES)),
  ];
  if (c.signature !== undefined && !names(c.signature).includes("signature")) problems.push("custom signing `signature` must contain {signature}");
  if (c.value !== undefined && !names(c.value).includes("signatures")) problems.push("custom signing `value` must contain {signatures}");
  return problems.find((p) => p !== null) ?? null;
}

function secretHint(scheme: string): string {
  if (scheme === "standard-webhooks" || scheme === "svix") return "a `whsec_…` base64 key";
  if (scheme === "stripe") return "the endpoint's `whsec_…` signing secret";
  return "the shared secret, or `{{env.NAME}}`";
}
