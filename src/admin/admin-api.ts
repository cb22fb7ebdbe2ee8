import { createRequire } from "node:module";
import type { App } from "../app.js";
import type { MockEngine } from "../engine/mock-engine.js";
import type { MockRequest } from "../engine/mock-request.js";
import { createAdminRouter } from "./admin-router.js";
import { isLoopbackBind } from "./authorize.js";
import { chainsHandlers } from "./chains-handlers.js";
import { clusterHandlers } from "./cluster-handlers.js";
import { deliveriesHandlers } from "./deliveries-handlers.js";
import { ok, type AdminResponse, type AdminRoute } from "./admin-types.js";
import { createEventStreams, type EventStreams } from "./event-stream.js";
import { exportHandlers } from "./export-handlers.js";
import { faultsHandlers } from "./faults-handlers.js";
import { promoteHandler } from "./promote-handler.js";
import { openapiHandlers } from "./openapi-handlers.js";
import { requestsHandlers } from "./requests-handlers.js";
import { routeLogsHandler } from "./route-logs.js";
import { routesHandlers } from "./routes-handlers.js";
import { runsHandlers } from "./runs-handlers.js";
import { scenariosHandlers } from "./scenarios-handlers.js";
import { signatureHandlers } from "./signature-handlers.js";
import { uiHandlers } from "./ui-handlers.js";

const VERSION = (createRequire(import.meta.url)("../../package.json") as { version: string }).version;

export interface AdminApiOptions {
  app: App;
  engine: MockEngine;
  token?: string;
  /** The address the server listens on: a loopback bind also refuses non-loopback `Host` names. */
  host: string;
}

export interface AdminApi {
  handle: (req: MockRequest, remote: string | undefined) => Promise<AdminResponse>;
  /** Ends every open event stream (server shutdown). */
  closeStreams: () => void;
}

/** The whole admin surface, authorized in one place (authorize.ts). */
export function createAdminApi(o: AdminApiOptions): AdminApi {
  const { app } = o;
  const baseUrl = app.loaded.config.http.base_url;
  const streams = createEventStreams({ bus: app.events, clock: app.deps.clock, logger: app.deps.logger });
  const handle = createAdminRouter({
    policy: {
      ...(o.token !== undefined ? { token: o.token } : {}),
      loopbackBind: isLoopbackBind(o.host),
      ownOrigins: () => (baseUrl ? [new URL(baseUrl).origin] : []),
    },
    logger: app.deps.logger,
    routes: adminEndpoints(app, streams),
    routeLogs: routeLogsHandler(app.routes, () => app.storage().journal),
  });
  return { handle, closeStreams: () => streams.closeAll() };
}

/**
 * Every endpoint under `/__mockforge`, grouped by the service it exposes. Exported so a test
 * walks all of them (new ones included) and checks each is refused without credentials.
 */
export function adminEndpoints(app: App, streams: EventStreams = createEventStreams({ bus: app.events, clock: app.deps.clock, logger: app.deps.logger })): AdminRoute[] {
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
  return [
    health,
    ...routesHandlers(app.routes, (id, route) => {
      const faults = app.domain().faults;
      faults.clear(`route:${id}`);
      if (route?.chaos_config) faults.setForRoute(id, route.chaos_config);
    }, app.shared()),
    ...requestsHandlers(app.storage().journal, app.recorder(), app.deps),
    ...deliveriesHandlers(app.storage().deliveries, app.deliveries()),
    ...signatureHandlers(app.storage().journal, app.deps),
    ...chainsHandlers(app),
    ...scenariosHandlers(app),
    ...runsHandlers(app),
    ...faultsHandlers(() => app.domain().faults),
    promoteHandler(app.storage().journal, app.routes),
    ...exportHandlers({ journal: app.storage().journal, deliveries: app.storage().deliveries, baseUrl: () => app.url, version: VERSION }),
    ...openapiHandlers(app),
    streams.route,
    ...uiHandlers(),
    ...clusterHandlers(app),
  ];
}
