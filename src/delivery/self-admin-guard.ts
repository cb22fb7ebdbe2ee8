import { networkInterfaces } from "node:os";
import { MockForgeError } from "../core/errors.js";
import { parseUrl } from "./parsed-url.js";

/** The admin prefix, as the server matches it (after percent-decoding the path). */
const ADMIN_PREFIX = "/__mockforge";

/** Where this server listens: its port and the names it answers to. */
export interface SelfAddress {
  /** The bound port (0 before the server listens: nothing is refused then). */
  port: () => number;
  /** `http.base_url`, if set: its origin is this server whatever its host. */
  baseUrl?: () => string | undefined;
}

/**
 * SPEC §10: scripts, hooks, rules and chains cannot call the server's own admin API, or a
 * route script could install any route (or read journaled credentials) with the server's
 * own loopback address. Every outbound attempt passes this check (perform-attempt.ts), so all
 * five callers are covered in one place. Calls to the server's mocked routes stay allowed (the
 * seed's Method 4 calls its own routes).
 *
 * @example
 * const guard = selfAdminGuard({ port: () => 3000 });
 * guard("http://127.0.0.1:3000/__mockforge/routes")?.code // "MFG_ERR_SELF_ADMIN_CALL"
 */
export function selfAdminGuard(self: SelfAddress): (url: string) => MockForgeError | null {
  return (url) => {
    const u = parseUrl(url);
    if (!u) return null;
    if (!isAdminPath(u.pathname)) return null;
    if (!targetsSelf(u, self)) return null;
    return new MockForgeError("MFG_ERR_SELF_ADMIN_CALL", `Refused a call to this server's own admin API: ${u.origin}${u.pathname}`, {
      hint: "Scripts, hooks, rules and chains may call this server's mocked routes, not /__mockforge; run chains with execute_chain instead",
      url,
    });
  };
}

function isAdminPath(pathname: string): boolean {
  let p = pathname;
  try {
    p = decodeURIComponent(pathname);
  } catch {
    /* the server keeps an undecodable path as it is too */
  }
  return p === ADMIN_PREFIX || p.startsWith(`${ADMIN_PREFIX}/`);
}

function targetsSelf(u: Readonly<URL>, self: SelfAddress): boolean {
  const base = self.baseUrl?.();
  if (base) {
    try {
      if (new URL(base).origin === u.origin) return true;
    } catch {
      /* not a URL: no base */
    }
  }
  const port = self.port();
  if (port === 0) return false;
  const uPort = u.port === "" ? (u.protocol === "https:" ? 443 : 80) : Number(u.port);
  if (uPort !== port) return false;
  return isThisMachine(u.hostname.replace(/^\[|\]$/g, "").toLowerCase());
}

/** Loopback names, the wildcard addresses (connecting to 0.0.0.0 reaches this machine), and every local interface address. */
function isThisMachine(host: string): boolean {
  if (host === "localhost" || host.endsWith(".localhost") || host === "0.0.0.0" || host === "::") return true;
  if (/^127\.\d+\.\d+\.\d+$/.test(host) || host === "::1" || /^::ffff:127\./.test(host)) return true;
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.address.toLowerCase() === host) return true;
  return false;
}
