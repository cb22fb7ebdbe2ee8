/**
 * A signing scheme as data (issue 21): what is signed, with which key bytes, how the digest is
 * written, and where it goes. Every preset (`presets.ts`) and every `custom` block in a config
 * is one of these, and one signer and one verifier (`sign-scheme.ts`, `verify-scheme.ts`) serve
 * them all. Placeholders in the strings: `{id}`, `{timestamp}` (seconds), `{timestamp_iso}`,
 * `{body}`, `{signature}`, `{signatures}`, plus the block's own fields (`{event}`, `{topic}`…).
 */

/** One header that carries signatures. A scheme may send several (GitHub: sha1 and sha256). */
export interface SignatureHeaderDef {
  name: string;
  algorithm: "sha256" | "sha1" | "sha512";
  /** How the digest bytes are written (not the hex text base64-encoded: Shopify wants base64 of the bytes). */
  encoding: "hex" | "base64";
  /** One entry: `v1={signature}`, `sha256={signature}`, `v1,{signature}`. */
  item: string;
  /** Between entries when several secrets sign (rotation). */
  separator: string;
  /** The header value: `{signatures}`, or `t={timestamp},{signatures}` for Stripe. */
  value: string;
}

export interface SchemeDef {
  name: string;
  /** `utf8`: the secret's bytes as written; `whsec`: base64 after an optional `whsec_` prefix. */
  key: "utf8" | "whsec" | "base64";
  /** The signed string. */
  payload: string;
  /** The first is the one a receiver checks; the others are sent for older receivers. */
  signatures: readonly SignatureHeaderDef[];
  /** Carries the delivery's stable id (the same on every retry and replay). */
  idHeader: string | null;
  /** Carries `{timestamp}` on its own (Slack, Standard Webhooks); Stripe has it inside its signature header. */
  timestampHeader: string | null;
  /** Headers the provider's SDK or handlers expect besides the signature; values hold placeholders. */
  headers: Readonly<Record<string, string>>;
  /** Several secrets give several entries in one header. False: the provider sends one signature. */
  rotation: boolean;
  /** How far a timestamp may be from now when verifying; null when the scheme signs no timestamp. */
  toleranceSeconds: number | null;
}

/**
 * Fills `{name}` placeholders; a name not in `vars` is left as written (config validation
 * reports unknown names before anything is signed).
 *
 * @example
 * fill("t={timestamp},{signatures}", { timestamp: "1700000000", signatures: "v1=ab12" }) // "t=1700000000,v1=ab12"
 */
export function fill(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => (Object.hasOwn(vars, name) ? vars[name]! : whole));
}

/** The placeholder names a template string uses, in order. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]!);
}
