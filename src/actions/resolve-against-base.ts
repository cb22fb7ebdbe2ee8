/**
 * The one reading of a call's URL, for every action that calls out (hooks, rules, scripts):
 * a path (`/api/orders`) is a call to this server, i.e. exactly what `{{base_url}}/api/orders`
 * would be, so a base URL with a path prefix (`https://proxy.example/mock`) keeps it; anything
 * else is sent as written.
 */
import { MockForgeError } from "../core/errors.js";

/**
 * @example
 * resolveAgainstBase("/api/orders", "http://127.0.0.1:3000")      // "http://127.0.0.1:3000/api/orders"
 * resolveAgainstBase("/api/orders", "https://proxy.example/mock/") // "https://proxy.example/mock/api/orders"
 * resolveAgainstBase("https://x.example/h", "http://127.0.0.1:3000") // "https://x.example/h"
 */
export function resolveAgainstBase(url: string, baseUrl: string | undefined): string {
  const u = url.trim();
  if (!u.startsWith("/") || !baseUrl) return u;
  return `${baseUrl.replace(/\/+$/, "")}${u}`;
}

/**
 * `resolveAgainstBase`, then refuses what cannot be sent (before anything is queued), with the
 * URL as written in the message.
 */
export function resolveHttpUrl(url: string, baseUrl: string | undefined): string {
  const resolved = resolveAgainstBase(url, baseUrl);
  let parsed: URL;
  try {
    parsed = new URL(resolved);
  } catch {
    throw new MockForgeError("MFG_ERR_DELIVERY_INVALID_URL", `'${url}' is not a valid URL`, {
      hint: "Write an absolute http(s) URL such as https://webhook.example.com/orders, or a path like /api/orders to call this server.",
    });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new MockForgeError("MFG_ERR_DELIVERY_INVALID_URL", `'${url}' is not an http(s) URL`, { hint: "Only http:// and https:// URLs can be called." });
  }
  return parsed.toString();
}
