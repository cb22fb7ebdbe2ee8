import { MockForgeError } from "../core/errors.js";
import type { MockRequest } from "../engine/mock-request.js";

/** What every admin write takes. JSON is not a type an HTML form or a no-cors fetch can send. */
export const JSON_ONLY: readonly string[] = ["application/json"];

/**
 * An admin write (anything but GET/HEAD) that carries a body, or any content type, must send one
 * of `accepts` (JSON unless the endpoint says more): a cross-site form post arrives as
 * `application/x-www-form-urlencoded`, `multipart/form-data` or `text/plain`, the only types a
 * browser sends to another site without asking first, and is refused with 415. A write with no
 * body and no content type (`POST …/execute`) carries nothing to misread and passes.
 *
 * @throws MockForgeError MFG_ERR_UNSUPPORTED_MEDIA_TYPE
 */
export function checkWriteType(req: MockRequest, accepts: readonly string[] = JSON_ONLY): void {
  if (req.method === "GET" || req.method === "HEAD") return;
  const raw = req.headers["content-type"];
  const header = Array.isArray(raw) ? raw[0] : raw;
  if (header === undefined && req.rawBody.length === 0 && !req.bodyTooLarge) return;
  const type = (header ?? "").split(";")[0]!.trim().toLowerCase();
  if (accepts.includes(type)) return;
  throw new MockForgeError(
    "MFG_ERR_UNSUPPORTED_MEDIA_TYPE",
    `${req.method} ${req.path} takes ${accepts.join(" or ")}, not ${header === undefined ? "a body without a content type" : `'${type}'`}`,
    { hint: `Send the body with content-type: ${accepts[0]}` },
  );
}
