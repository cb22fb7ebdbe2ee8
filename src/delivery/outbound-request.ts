/**
 * From what a caller wants to send (`OutboundRequest`, body any value) to what is stored and
 * sent (`StoredRequest`, body exact text). Pure.
 */
import { MockForgeError } from "../core/errors.js";
import type { StoredRequest } from "../storage/ports.js";
import type { OutboundRequest } from "./types.js";
import { parseUrl } from "./parsed-url.js";

/** The body as the exact text that goes on the wire, and whether it was made from a value (JSON). */
export function serializeBody(body: unknown): { text: string | null; json: boolean } {
  if (body === undefined || body === null) return { text: null, json: false };
  if (typeof body === "string") return { text: body, json: false };
  if (body instanceof Uint8Array) return { text: Buffer.from(body).toString("utf8"), json: false };
  return { text: JSON.stringify(body), json: true };
}

/** Case-insensitive header lookup. */
export function findHeader(headers: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** Sets a header, replacing any spelling of the same name. */
export function setHeader(headers: Record<string, string>, name: string, value: string): void {
  const lower = name.toLowerCase();
  for (const k of Object.keys(headers)) if (k.toLowerCase() === lower) delete headers[k];
  headers[name] = value;
}

/** Header values rendered from templates may be numbers or booleans; the wire wants text. */
export function headerText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/**
 * The request as stored: method upper-cased, headers as text, body serialised, and
 * `content-type: application/json` added when the body was a value and none was given.
 *
 * @example
 * toStoredRequest({ method: "post", url: "http://127.0.0.1:4000/h", body: { a: 1 } })
 * // { method: "POST", url: "…", headers: { "content-type": "application/json" }, body: '{"a":1}' }
 */
export function toStoredRequest(request: OutboundRequest): StoredRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.headers ?? {})) headers[k] = headerText(v);
  const { text, json } = serializeBody(request.body);
  if (json && findHeader(headers, "content-type") === undefined) headers["content-type"] = "application/json";
  return { method: (request.method || "POST").toUpperCase(), url: String(request.url ?? ""), headers, body: text };
}

/**
 * Why a URL cannot be delivered to, or null when it can (absolute http/https). The message
 * quotes the URL as rendered, since the template that made it is usually the culprit.
 */
export function checkDeliveryUrl(url: string): MockForgeError | null {
  const hint = "The URL must be absolute http(s) after templating, e.g. `http://127.0.0.1:4000/hooks`; check the template's names.";
  if (url.trim() === "") {
    return new MockForgeError("MFG_ERR_DELIVERY_INVALID_URL", "Delivery URL is empty after templating", { hint, url });
  }
  const parsed = parseUrl(url);
  if (!parsed) return new MockForgeError("MFG_ERR_DELIVERY_INVALID_URL", `Delivery URL '${url}' is not a valid absolute URL`, { hint, url });
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return new MockForgeError("MFG_ERR_DELIVERY_INVALID_URL", `Delivery URL '${url}' uses ${parsed.protocol} but only http: and https: are sent`, {
      hint,
      url,
    });
  }
  return null;
}

/** Throws MFG_ERR_DELIVERY_INVALID_URL unless `url` is deliverable. */
export function assertDeliveryUrl(url: string): void {
  const e = checkDeliveryUrl(url);
  if (e) throw e;
}
