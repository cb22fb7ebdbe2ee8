import type { App } from "../app.js";
import type { MockEngine } from "../engine/mock-engine.js";
import type { MockRequest } from "../engine/mock-request.js";
import { createAdminRouter } from "./admin-router.js";
import { chainsHandlers } from "./chains-handlers.js";
import { createEventStreams } from "./event-stream.js";
import { deliveriesHandlers } from "./deliveries-handlers.js";
import { ok, type AdminResponse, type AdminRoute } from "./admin-types.js";
import { requestsHandlers } from "./requests-handlers.js";
import { routesHandlers } from "./routes-handlers.js";
import { runsHandlers } from "./runs-handlers.js";
import { scenariosHandlers } from "./scenarios-handlers.js";
import { signatureHandlers } from "./signature-handlers.js";

export interface AdminApiOptions {
  app: App;
  engine: MockEngine;
  token?: string;
}

export interface AdminApi {
  handle: (req: MockRequest, remote: string | undefined) => Promise<AdminResponse>;
  /** Ends every open event stream (server shutdown). */
  closeStreams: () => void;
}

/** Every admin endpoint, grouped by the service it exposes. */
export function createAdminApi(o: AdminApiOptions): AdminApi {
  const { app } = o;
  const streams = createEventStreams({ bus: app.events, clock: app.deps.clock, logger: app.deps.logger });
  const startedAt = app.deps.clock.now();
  const health: AdminRoute = {
    method: "GET",
    path: "/health",
    handler: async () =>
      ok({
        status: "ok",
        uptime_ms: app.deps.clock.now() - startedAt,
        storage: app.storage().description,
        routes: app.routes.list().length,
      }),
  };
  const handle = createAdminRouter({
    token: o.token,
    logger: app.deps.logger,
    routes: [
      health,
      ...routesHandlers(app.routes, (id, route) => {
        const faults = app.domain().faults;
        faults.clear(`route:${id}`);
        if (route?.chaos_config) faults.setForRoute(id, route.chaos_config);
      }),
      ...requestsHandlers(app.storage().journal, app.recorder(), app.deps),
      ...deliveriesHandlers(app.storage().deliveries, app.deliveries()),
      ...signatureHandlers(app.storage().journal, app.deps),
      ...chainsHandlers(app),
      ...scenariosHandlers(app),
      ...runsHandlers(app),
      streams.route,
    ],
  });
  return { handle, closeStreams: () => streams.closeAll() };
}
