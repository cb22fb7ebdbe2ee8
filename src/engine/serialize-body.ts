/**
 * Turns a rendered response body into bytes and a default content type. A string is sent as
 * is (JSON text stays JSON: `application/json` when it parses); any other value is JSON.
 */
export function serializeBody(body: unknown): { text: string; contentType: string | null } {
  if (body === undefined || body === null) return { text: "", contentType: null };
  if (Buffer.isBuffer(body)) return { text: body.toString("utf8"), contentType: "application/octet-stream" };
  if (typeof body === "string") return { text: body, contentType: isJsonText(body) ? "application/json" : "text/plain; charset=utf-8" };
  return { text: JSON.stringify(body), contentType: "application/json" };
}

function isJsonText(s: string): boolean {
  const c = s.trimStart()[0];
  if (c !== "{" && c !== "[") return false;
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/** Parses a response body we produced back into a value, for `response.body` in webhooks and rules. */
export function bodyValue(body: unknown): unknown {
  if (typeof body !== "string") return body;
  if (!isJsonText(body)) return body;
  return JSON.parse(body);
}
