/**
 * Header templates that sign a timestamp (issue 21). A header template is rendered once, when
 * the call is queued, so `t={{now_unix}},v1={{hmac_sha256(…)}}` is stale on a retry or replay
 * minutes later, which a provider SDK refuses after its tolerance. Still allowed (a signature
 * over the body alone is fine); the warning points at the scheme that signs per attempt.
 */
import type { RouteConfig } from "./schema/routes.js";

const SIGNS = /\b(hmac_sha256|hmac_sha1|hash)\s*\(/;
const READS_TIME = /\bnow(_unix)?\b/;

/**
 * @example
 * timedSignatureWarnings([{ path: "/x", webhooks: [{ headers: { "X-Sig": "t={{now_unix}},v1={{hmac_sha256(env.K, now_unix + '.' + body)}}" } }] }])
 * // ["routes[0].webhooks[0].headers.X-Sig signs a timestamp in a template, …"]
 */
export function timedSignatureWarnings(routes: readonly Pick<RouteConfig, "webhooks">[]): string[] {
  const out: string[] = [];
  routes.forEach((route, i) =>
    route.webhooks.forEach((hook, j) => {
      const timed = Object.entries(hook.headers ?? {}).filter(([, v]) => SIGNS.test(v) && READS_TIME.test(v));
      for (const [name] of timed) {
        out.push(
          `routes[${i}].webhooks[${j}].headers.${name} signs a timestamp in a template, which is rendered once when the webhook is queued: ` +
            "a retry or replay carries the old timestamp, which provider SDKs refuse after their tolerance. " +
            "Use `signing: {scheme: stripe | slack | … | custom}` instead: it signs every attempt when it is sent (docs/signing.md).",
        );
      }
    }),
  );
  return out;
}
