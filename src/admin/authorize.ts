/**
 * The one authorization in front of the whole admin surface (SPEC §10): everything under
 * `/__mockforge`, the dashboard, and every `<route>/logs`. Nothing that reads recorded data or
 * changes state is reachable without passing here first.
 *
 * Order of the checks, and why:
 * 1. the peer: with no token only loopback peers pass, and a peer whose address is unknown
 *    (node reports none once the client has reset its socket) never passes;
 * 2. the token, when one is set, from every peer, loopback included;
 * 3. on a loopback bind, the `Host` must be a loopback name or address (421): a page on
 *    evil.example that re-points its DNS name at 127.0.0.1 sends `Host: evil.example`;
 * 4. a browser's `Origin` must be this server's own, and `Sec-Fetch-Site: cross-site` is
 *    refused (403): any web page the user visits can otherwise send requests here.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { MockForgeError } from "../core/errors.js";
import type { HeaderMap } from "../engine/mock-request.js";

export interface AdminPolicy {
  /** When set, every admin request must carry it. */
  token?: string;
  /** True when the server listens on a loopback address only (127.0.0.0/8, ::1, localhost). */
  loopbackBind: boolean;
  /** Origins besides `http(s)://<Host>` that count as this server's own (e.g. `http.base_url`'s). */
  ownOrigins?: () => readonly string[];
}

/** Why a request was refused, as the coded error the admin API answers with. */
export type AdminDenial = MockForgeError;

/**
 * Null when the request may reach the admin surface, else the coded error to answer.
 *
 * @example
 * authorizeAdmin({ headers: {} }, undefined, { loopbackBind: true })?.code // "MFG_ERR_UNAUTHORIZED"
 */
export function authorizeAdmin(req: { headers: HeaderMap }, remote: string | undefined, policy: AdminPolicy, target: { shell?: boolean } = {}): AdminDenial | null {
  if (remote === undefined || remote === "") {
    return new MockForgeError("MFG_ERR_UNAUTHORIZED", "The admin API refuses a client whose address is unknown (its connection was closed or reset)", {
      hint: "Keep the connection open until the answer arrives",
    });
  }
  // The dashboard's static shell holds no data and a browser cannot attach a header when it opens
  // a page: it skips only the token (the page then sends it with every API call it makes).
  if (policy.token !== undefined) {
    if (!target.shell && !tokenMatches(presentedToken(req.headers), policy.token)) {
      return new MockForgeError("MFG_ERR_UNAUTHORIZED", "This admin API needs a token", {
        hint: "Send `Authorization: Bearer <token>` (the token is http.admin_token, --admin-token or MOCKFORGE_ADMIN_TOKEN)",
      });
    }
  } else if (!isLoopbackAddress(remote)) {
    return new MockForgeError("MFG_ERR_UNAUTHORIZED", "The admin API answers loopback clients only unless an admin token is set", {
      hint: "Set http.admin_token (or MOCKFORGE_ADMIN_TOKEN, or --admin-token) to use the admin API from another host",
    });
  }
  const host = header(req.headers, "host");
  if (policy.loopbackBind && host !== undefined && !isLoopbackHost(host)) {
    return new MockForgeError("MFG_ERR_MISDIRECTED_HOST", `The admin API of a server on a loopback address answers loopback host names only, not '${host}'`, {
      hint: "Call it as localhost or 127.0.0.1 (a foreign name pointing at 127.0.0.1 is how DNS rebinding attacks work)",
    });
  }
  const origin = header(req.headers, "origin");
  if (origin !== undefined && !isOwnOrigin(origin, host, policy)) {
    return new MockForgeError("MFG_ERR_FORBIDDEN_ORIGIN", `The admin API refuses requests sent by the web page at '${origin}'`, {
      hint: "Call the admin API from a script or tool, or from a page served by this server",
    });
  }
  if (header(req.headers, "sec-fetch-site") === "cross-site") {
    return new MockForgeError("MFG_ERR_FORBIDDEN_ORIGIN", "The admin API refuses requests a browser marks as cross-site", {
      hint: "Call the admin API from a script or tool, or from a page served by this server",
    });
  }
  return null;
}

/** `Authorization: Bearer <t>` or `x-mockforge-token: <t>`. */
function presentedToken(headers: HeaderMap): string | undefined {
  const auth = header(headers, "authorization");
  if (auth !== undefined && /^bearer /i.test(auth)) return auth.slice(7).trim();
  return header(headers, "x-mockforge-token");
}

/** Constant-time comparison (of digests, so lengths never leak either). */
function tokenMatches(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(token).digest();
  return timingSafeEqual(a, b);
}

function header(headers: HeaderMap, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** 127.0.0.0/8, ::1, and IPv4-mapped loopback (`::ffff:127.0.0.1`). */
export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase();
  if (a === "::1" || a === "0:0:0:0:0:0:0:1") return true;
  const v4 = a.startsWith("::ffff:") ? a.slice(7) : a;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** A host name that always means this machine: `localhost`, `*.localhost` (RFC 6761), or a loopback address. */
export function isLoopbackName(name: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, "");
  return n === "localhost" || n.endsWith(".localhost") || isLoopbackAddress(n.replace(/^\[|\]$/g, ""));
}

/** `Host` header value (`name`, `name:port`, `[v6]:port`) naming this machine. */
function isLoopbackHost(host: string): boolean {
  return isLoopbackName(hostName(host));
}

function hostName(host: string): string {
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.lastIndexOf(":");
  return colon >= 0 ? host.slice(0, colon) : host;
}

/** True for `http(s)://<the Host header>` and the configured own origins; `null` is never own. */
function isOwnOrigin(origin: string, host: string | undefined, policy: AdminPolicy): boolean {
  const o = origin.toLowerCase();
  if (host !== undefined && (o === `http://${host.toLowerCase()}` || o === `https://${host.toLowerCase()}`)) return true;
  return (policy.ownOrigins?.() ?? []).some((own) => own.toLowerCase() === o);
}

/** True when `host` (a listen address or name) is loopback only; 0.0.0.0 and :: are every interface. */
export function isLoopbackBind(host: string): boolean {
  return isLoopbackName(host);
}
