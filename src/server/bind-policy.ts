import { isLoopbackBind } from "../admin/authorize.js";
import { MockForgeError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";

/**
 * SPEC §10: open only on loopback. Listening on any other address without an admin token
 * would serve an open admin API (install routes, read journaled credentials) to the network,
 * so it is refused unless the caller opted out on purpose, which is logged at every start.
 *
 * @throws MockForgeError MFG_ERR_ADMIN_TOKEN_REQUIRED
 * @example
 * checkBindPolicy({ host: "0.0.0.0", token: undefined, insecure: false, logger }) // throws
 */
export function checkBindPolicy(o: { host: string; token: string | undefined; insecure: boolean; logger: Logger }): void {
  if (o.token !== undefined || isLoopbackBind(o.host)) return;
  if (o.insecure) {
    o.logger.warn(
      `INSECURE: listening on ${o.host} with no admin token (--insecure-no-admin-token): anyone who can reach this port can change routes and read every recorded request. Set MOCKFORGE_ADMIN_TOKEN instead.`,
    );
    return;
  }
  throw new MockForgeError(
    "MFG_ERR_ADMIN_TOKEN_REQUIRED",
    `Refusing to listen on ${o.host} without an admin token: the admin API would be open to the network`,
    {
      hint:
        "Set a token: MOCKFORGE_ADMIN_TOKEN=$(openssl rand -hex 16) mockforge serve …, or --admin-token <token>, or http.admin_token in the config; " +
        "clients then send `Authorization: Bearer <token>`. Or listen on 127.0.0.1. (--insecure-no-admin-token serves an open admin API on purpose.)",
    },
  );
}
