import { isUtf8 } from "node:buffer";

/**
 * Parses a request body by its content type. Never throws: a malformed JSON body is still
 * served and journaled, with `body: null` and the reason in `error`.
 */
export function parseBody(raw: Buffer, contentType: string | undefined): { body: unknown; error: string | null } {
  if (raw.length === 0) return { body: null, error: null };
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json" || type.endsWith("+json") || (type === "" && looksLikeJson(raw))) {
    try {
      return { body: JSON.parse(raw.toString("utf8")), error: null };
    } catch (e) {
      return { body: null, error: `malformed JSON body: ${(e as Error).message}` };
    }
  }
  if (type === "application/x-www-form-urlencoded") {
    return { body: Object.fromEntries(new URLSearchParams(raw.toString("utf8"))), error: null };
  }
  if (type.startsWith("text/") || type === "application/xml" || type === "" || isUtf8(raw)) {
    return { body: raw.toString("utf8"), error: null };
  }
  return { body: null, error: null };
}

function looksLikeJson(raw: Buffer): boolean {
  const c = raw[0];
  return c === 0x7b /* { */ || c === 0x5b /* [ */;
}

/** The raw body as the journal keeps it: UTF-8 text when it is text, base64 otherwise. */
export function encodeRawBody(raw: Buffer): { text: string; encoding: "utf8" | "base64" } {
  if (raw.length === 0) return { text: "", encoding: "utf8" };
  return isUtf8(raw) ? { text: raw.toString("utf8"), encoding: "utf8" } : { text: raw.toString("base64"), encoding: "base64" };
}
