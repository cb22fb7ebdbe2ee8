import FindMyWay from "find-my-way";
import { describeError, internalError, isMockForgeError, MockForgeError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { MockRequest } from "../engine/mock-request.js";
import type { AdminReply, AdminResponse, AdminRoute } from "./admin-types.js";

const PREFIX = "/__mockforge";
const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

export interface AdminRouterOptions {
  routes: AdminRoute[];
  /** When set, every admin request must carry it (`Authorization: Bearer …` or `x-mockforge-token`). */
  token?: string;
  logger: Logger;
}

/**
 * The admin API under `/__mockforge`. Without a token it answers loopback clients only, so a
 * server bound to 0.0.0.0 never exposes its admin API by accident; with a token it answers
 * anyone who presents it. Errors are coded JSON bodies with the catalogue's HTTP status.
 */
export function createAdminRouter(o: AdminRouterOptions): (req: MockRequest, remote: string | undefined) => Promise<AdminResponse> {
  const router = FindMyWay({ ignoreTrailingSlash: true });
  for (const r of o.routes) router.on(r.method, PREFIX + r.path, () => {}, r);

  return async (req, remote) => {
    try {
      const found = router.find(req.method as FindMyWay.HTTPMethod, req.rawPath);
      const denied = authorize(req, remote, o.token, (found?.store as AdminRoute | undefined)?.shell === true);
      if (denied) return toResponse(denied);
      if (!found) {
        throw new MockForgeError("MFG_ERR_NOT_FOUND", `No admin endpoint ${req.method} ${req.path}`, { hint: "See docs/admin-api.md for the endpoints" });
      }
      const route = found.store as AdminRoute;
      if (req.bodyError) {
        throw new MockForgeError("MFG_ERR_BAD_REQUEST", `${req.method} ${req.path}: the request body could not be read: ${req.bodyError}`, { hint: "Send JSON with content-type: application/json (chains also take YAML as application/yaml)" });
      }
      return toResponse(await route.handler({ req, params: found.params as Record<string, string>, query: req.query }));
    } catch (e) {
      if (isMockForgeError(e)) return toResponse({ status: e.status, body: e.toJSON() });
      o.logger.error({ err: describeError(e), path: req.path }, "admin handler failed");
      return toResponse({ status: 500, body: { error: internalError(e) } });
    }
  };
}

function authorize(req: MockRequest, remote: string | undefined, token: string | undefined, shell: boolean): AdminReply | null {
  if (token) {
    if (shell) return null;
    const auth = req.headers.authorization;
    const given = typeof auth === "string" && auth.startsWith("Bearer ") ? auth.slice(7) : req.headers["x-mockforge-token"];
    if (given === token) return null;
    return { status: 401, body: new MockForgeError("MFG_ERR_UNAUTHORIZED", "This admin API needs a token", { hint: "Send `Authorization: Bearer <http.admin_token>`" }).toJSON() };
  }
  if (remote === undefined || LOOPBACK.has(remote)) return null;
  return {
    status: 401,
    body: new MockForgeError("MFG_ERR_UNAUTHORIZED", "The admin API answers loopback clients only unless http.admin_token is set", {
      hint: "Set http.admin_token in the config to use the admin API from another host",
    }).toJSON(),
  };
}

function toResponse(r: AdminReply): AdminResponse {
  if (r.stream) return { status: r.status, headers: {}, body: "", stream: r.stream };
  if (r.raw) return { status: r.status, headers: { ...r.raw.headers, "content-type": r.raw.contentType }, body: r.raw.text };
  return { status: r.status, headers: { "content-type": "application/json" }, body: r.body === undefined ? "" : JSON.stringify(r.body) };
}
