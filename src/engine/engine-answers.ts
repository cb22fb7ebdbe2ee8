/** The engine's own answers (no route to render): 404, 405, 503 for unstored webhooks; and a route whose response failed to render. */
import { describeError, type MockForgeError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { MockRequest, MockResponse } from "./mock-request.js";
import type { RouteTable } from "./route-table.js";

export function notFound(routes: RouteTable, req: MockRequest): MockResponse {
  const body = {
    error: {
      code: "MFG_ERR_ROUTE_NOT_FOUND",
      message: `No route matches ${req.method} ${req.path}`,
      closest_routes: routes.closestTo(req.method, req.path),
    },
  };
  return { status: 404, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

export function methodNotAllowed(req: MockRequest, allow: string[]): MockResponse {
  const body = { error: { code: "MFG_ERR_METHOD_NOT_ALLOWED", message: `${req.path} does not answer ${req.method}`, allow } };
  return { status: 405, headers: { "content-type": "application/json", allow: allow.join(", ") }, body: JSON.stringify(body) };
}

/** SPEC §3: never a 2xx for work not stored. The client may retry; nothing was queued. */
export function notStored(e: unknown): MockResponse {
  const body = {
    error: {
      code: "MFG_ERR_STORAGE",
      message: `The webhooks this request triggered could not be stored, so it was not accepted: ${describeError(e).message}`,
      hint: "Retry after the Retry-After delay. The server's state storage is failing (disk full, database down): see the server log.",
    },
  };
  return { status: 503, headers: { "content-type": "application/json", "retry-after": "1" }, body: JSON.stringify(body) };
}

/**
 * A route whose response could not be rendered as configured (its answer is the error's 500):
 * said on the journal entry and in the server log, where a user looks for why a mock failed.
 * Repeats are folded by the logger's flood guard.
 */
export function renderFailed(logger: Logger, routeId: string, error: MockForgeError, notes: string[]): void {
  notes.push(`${error.code}: ${error.message}`);
  logger.warn({ routeId, code: error.code }, error.message);
}
