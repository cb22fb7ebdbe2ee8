/**
 * The receiving side of signing (issue 21): a route with `verify: {scheme, secret}` checks each
 * request's signature with the same scheme definitions MockForge signs with, so it can stand in
 * for a provider's receiver when the app under test is the sender. The outcome is journaled
 * (`signature`), and with `enforce` an invalid request is answered 400 before anything else.
 */
import type { RouteVerifyConfig } from "../config/schema/signing.js";
import type { Deps } from "../core/deps.js";
import type { EnvRecord } from "../core/env-access.js";
import { MockForgeError } from "../core/errors.js";
import { PRESETS, renderSecrets, verifyScheme } from "../delivery/index.js";
import type { JournalSignature } from "../storage/ports.js";
import type { MockRequest, MockResponse } from "./mock-request.js";

export interface RouteVerifier {
  enforce: boolean;
  /** `env`: what a `{{env.NAME}}` secret reads (the route's view, core/env-access.ts). */
  check(req: MockRequest, deps: Pick<Deps, "clock" | "random">, env: EnvRecord): JournalSignature;
}

/**
 * @example
 * const v = compileRouteVerify({ scheme: "stripe", secret: "{{env.STRIPE_WEBHOOK_SECRET}}", enforce: true });
 * v.check(req, deps, env) // { valid: false, scheme: "stripe", reason: "stale_timestamp", message: "timestamp is 900 s old (tolerance 300 s)" }
 */
export function compileRouteVerify(config: RouteVerifyConfig): RouteVerifier {
  const def = PRESETS[config.scheme];
  return {
    enforce: config.enforce,
    check(req, deps, env) {
      let secrets: string[];
      try {
        secrets = renderSecrets(config, { clock: deps.clock, random: deps.random, env });
      } catch (e) {
        return { valid: false, scheme: def.name, reason: "bad_secret", message: (e as Error).message };
      }
      const body = req.rawText ?? req.rawBody.toString("utf8");
      return verifyScheme(def, { headers: req.headers, body, secrets, nowMs: deps.clock.now(), toleranceSeconds: config.tolerance_seconds });
    },
  };
}

/** The 400 an enforcing route answers to a request whose signature does not verify. */
export function signatureRejected(check: JournalSignature): MockResponse {
  const e = new MockForgeError("MFG_ERR_SIGNATURE_INVALID", `Signature (${check.scheme}) does not verify: ${check.message}`, {
    reason: check.reason,
    hint: "The route has `verify.enforce: true`; sign the request with the route's secret, or see `signature` in its /logs.",
  });
  return { status: 400, headers: { "content-type": "application/json" }, body: JSON.stringify(e.toJSON()) };
}
