import type { Deps } from "../core/deps.js";
import { MockForgeError } from "../core/errors.js";
import { PRESETS, verifyScheme, verifySignature } from "../delivery/index.js";
import type { JournalStore } from "../storage/ports.js";
import { ok, type AdminRoute } from "./admin-types.js";

/**
 * Lets a receiver (or a test) check a Standard Webhooks signature: either of a request this
 * server journaled (`request_id`), or of headers and a body given in the call.
 *
 * `POST /__mockforge/verify-signature {secret, request_id}` or `{secret, headers, body}`
 * → `{ok: true}` or `{ok: false, reason}`. With `scheme` (`stripe`, `github`, `slack`,
 * `shopify`, `svix`; default `standard-webhooks`) it checks that provider's signature, and the
 * answer also carries `code` (`bad_signature`, `stale_timestamp`…).
 */
export function signatureHandlers(journal: JournalStore, deps: Deps): AdminRoute[] {
  return [
    {
      method: "POST",
      path: "/verify-signature",
      handler: async ({ req }) => {
        const input = (req.body ?? {}) as { scheme?: unknown; secret?: unknown; request_id?: unknown; headers?: unknown; body?: unknown; tolerance_seconds?: unknown };
        if (typeof input.secret !== "string" || input.secret === "") {
          throw new MockForgeError("MFG_ERR_BAD_REQUEST", "verify-signature needs `secret` (the whsec_… signing secret)");
        }
        let headers: Record<string, string | undefined>;
        let body: string;
        if (typeof input.request_id === "string") {
          const entry = await journal.get(input.request_id);
          if (!entry) throw new MockForgeError("MFG_ERR_NOT_FOUND", `No journaled request '${input.request_id}'`);
          headers = Object.fromEntries(Object.entries(entry.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
          body = entry.rawBodyEncoding === "base64" ? Buffer.from(entry.rawBody, "base64").toString("utf8") : entry.rawBody;
        } else if (input.headers && typeof input.headers === "object" && typeof input.body === "string") {
          headers = input.headers as Record<string, string>;
          body = input.body;
        } else {
          throw new MockForgeError("MFG_ERR_BAD_REQUEST", "verify-signature needs `request_id`, or `headers` (object) and `body` (the raw text)");
        }
        const tolerance = typeof input.tolerance_seconds === "number" ? input.tolerance_seconds : undefined;
        if (input.scheme === undefined || input.scheme === "standard-webhooks") {
          return ok(verifySignature({ headers, body, secret: input.secret, now: deps.clock.now(), toleranceSeconds: tolerance }));
        }
        if (typeof input.scheme !== "string" || !Object.hasOwn(PRESETS, input.scheme)) {
          throw new MockForgeError("MFG_ERR_BAD_REQUEST", `verify-signature: unknown scheme '${String(input.scheme)}'`, { hint: `Known schemes: ${Object.keys(PRESETS).join(", ")}` });
        }
        const def = PRESETS[input.scheme as keyof typeof PRESETS];
        const r = verifyScheme(def, { headers, body, secrets: [input.secret], nowMs: deps.clock.now(), toleranceSeconds: tolerance });
        return ok({ ok: r.valid, reason: r.message, code: r.reason });
      },
    },
  ];
}
