import { describeError, internalError, isMockForgeError, MockForgeError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { MockRequest } from "../engine/mock-request.js";
import { SegmentRouter } from "../engine/segment-router.js";
import { authorizeAdmin, type AdminPolicy } from "./authorize.js";
import type { AdminHandler, AdminReply, AdminResponse, AdminRoute } from "./admin-types.js";
import { redact } from "./redact.js";
import { checkWriteType } from "./write-type.js";

const PREFIX = "/__mockforge";

export interface AdminRouterOptions {
  routes: AdminRoute[];
  /** Who may call (token, loopback bind, own origins): see authorize.ts. */
  policy: AdminPolicy;
  /** `GET <route path>/logs`: admin surface outside the prefix (the server sends only such requests here). */
  routeLogs: AdminHandler;
  logger: Logger;
}

/**
 * The admin surface: `/__mockforge/*` and `<route>/logs`. Every request passes
 * `authorizeAdmin` first, then a write must be JSON (415 otherwise, so an HTML form on another
 * site cannot post here). Errors are coded JSON bodies with the catalogue's HTTP status.
 */
export function createAdminRouter(o: AdminRouterOptions): (req: MockRequest, remote: string | undefined) => Promise<AdminResponse> {
  // Matched as find-my-way did with `ignoreTrailingSlash` alone (its default 100-character
  // parameters); our segment router builds the ~45 routes without compiling a function each.
  const router = new SegmentRouter<AdminRoute>({ collapseSlashes: false, maxParamLength: 100 });
  for (const r of o.routes) router.on([r.method], PREFIX + r.path, r);

  return async (req, remote) => {
    try {
      const found = router.find(req.method, req.rawPath);
      const denied = authorizeAdmin(req, remote, o.policy, { shell: found?.store.shell === true });
      if (denied) throw denied;
      // `?reveal=true` shows credential headers whole, only to a caller that proved it holds the token.
      const reveal = o.policy.token !== undefined && req.query.reveal === "true";
      if (req.path !== PREFIX && !req.path.startsWith(`${PREFIX}/`)) return toResponse(await o.routeLogs({ req, params: {}, query: req.query }), reveal);
      if (!found) {
        throw new MockForgeError("MFG_ERR_NOT_FOUND", `No admin endpoint ${req.method} ${req.path}`, { hint: "See docs/admin-api.md for the endpoints" });
      }
      const route = found.store;
      checkWriteType(req, route.accepts);
      if (req.bodyError) {
        throw new MockForgeError("MFG_ERR_BAD_REQUEST", `${req.method} ${req.path}: the request body could not be read: ${req.bodyError}`, { hint: "Send JSON with content-type: application/json (chains also take YAML as application/yaml)" });
      }
      return toResponse(await route.handler({ req, params: found.params, query: req.query }), reveal);
    } catch (e) {
      if (isMockForgeError(e)) return toResponse({ status: e.status, body: e.toJSON() });
      o.logger.error({ err: describeError(e), path: req.path }, "admin handler failed");
      return toResponse({ status: 500, body: { error: internalError(e) } });
    }
  };
}

/** Every JSON answer passes the one redaction (redact.ts), whichever handler made it; a stream is told `reveal` and redacts each event. */
function toResponse(r: AdminReply, reveal = false): AdminResponse {
  const stream = r.stream;
  if (stream) return { status: r.status, headers: {}, body: "", stream: (res) => stream(res, { reveal }) };
  if (r.raw) return { status: r.status, headers: { ...r.raw.headers, "content-type": r.raw.contentType }, body: r.raw.text };
  return { status: r.status, headers: { "content-type": "application/json" }, body: r.body === undefined ? "" : JSON.stringify(redact(r.body, { reveal })) };
}
