import { isUtf8 } from "node:buffer";

/**
 * The raw body decoded once: UTF-8 text when it is valid UTF-8 (empty for no body), null for
 * binary. Parsing and journaling both start from it, so a body is decoded once per request.
 */
export function bodyText(raw: Buffer): string | null {
  if (raw.length === 0) return "";
  return isUtf8(raw) ? raw.toString("utf8") : null;
}

/**
 * Parses a request body by its content type. Never throws: a malformed JSON body is still
 * served and journaled, with `body: null` and the reason in `error`. `text` is
 * `bodyText(raw)`, passed when the caller has it already. `fromJsonText` says the body is
 * `JSON.parse(text)`, which the journal can then store once (see BODY_IS_PARSED_RAW).
 */
export function parseBody(raw: Buffer, contentType: string | undefined, text: string | null = bodyText(raw)): { body: unknown; error: string | null; fromJsonText?: true } {
  if (raw.length === 0) return { body: null, error: null };
  const type = mediaType(contentType);
  if (type === "application/json" || type.endsWith("+json") || (type === "" && looksLikeJson(raw))) {
    try {
      if (text !== null) return { body: JSON.parse(text), error: null, fromJsonText: true };
      return { body: JSON.parse(raw.toString("utf8")), error: null };
    } catch (e) {
      return { body: null, error: `malformed JSON body: ${(e as Error).message}` };
    }
  }
  if (type === "application/x-www-form-urlencoded") {
    return { body: Object.fromEntries(new URLSearchParams(text ?? raw.toString("utf8"))), error: null };
  }
  if (type.startsWith("text/") || type === "application/xml" || type === "") return { body: text ?? raw.toString("utf8"), error: null };
  if (text !== null) return { body: text, error: null };
  return { body: null, error: null };
}

/** `application/json; charset=utf-8` → `application/json`, without splitting the usual exact value. */
function mediaType(contentType: string | undefined): string {
  if (contentType === undefined || contentType === "application/json") return contentType ?? "";
  const semi = contentType.indexOf(";");
  return (semi >= 0 ? contentType.slice(0, semi) : contentType).trim().toLowerCase();
}

function looksLikeJson(raw: Buffer): boolean {
  const c = raw[0];
  return c === 0x7b /* { */ || c === 0x5b /* [ */;
}

/** The raw body as the journal keeps it: UTF-8 text when it is text, base64 otherwise. */
export function encodeRawBody(raw: Buffer, text: string | null = bodyText(raw)): { text: string; encoding: "utf8" | "base64" } {
  return text !== null ? { text, encoding: "utf8" } : { text: raw.toString("base64"), encoding: "base64" };
}
