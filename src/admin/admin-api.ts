import { createRequire } from "node:module";
import type { MockRequest } from "../engine/mock-request.js";
import { createAdminRouter } from "./admin-router.js";
import { isLoopbackBind } from "./authorize.js";
import { chainsHandlers } from "./chains-handlers.js";
import { clusterHandlers } from "./cluster-handlers.js";
import { deliveriesHandlers } from "./deliveries-handlers.js";
import type { AdminPorts } from "./admin-ports.js";
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
  ports: AdminPorts;
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
  const { ports } = o;
  const baseUrl = ports.configuredBaseUrl;
  const streams = createEventStreams({ bus: ports.events, clock: ports.deps.clock, logger: ports.deps.logger });
  const handle = createAdminRouter({
    policy: {
      ...(o.token !== undefined ? { token: o.token } : {}),
      loopbackBind: isLoopbackBind(o.host),
      ownOrigins: () => (baseUrl ? [new URL(baseUrl).origin] : []),
    },
    logger: ports.deps.logger,
    routes: adminEndpoints(ports, streams),
    routeLogs: routeLogsHandler(ports.routes, () => ports.storage.journal),
  });
  return { handle, closeStreams: () => streams.closeAll() };
}

/**
 * Every endpoint under `/__mockforge`, grouped by the service it exposes. Exported so a test
 * walks all of them (new ones included) and checks each is refused without credentials.
 */
export function adminEndpoints(p: AdminPorts, streams: EventStreams = createEventStreams({ bus: p.events, clock: p.deps.clock, logger: p.deps.logger })): AdminRoute[] {
  const startedAt = p.deps.clock.now();
  const health: AdminRoute = {
    method: "GET",
    path: "/health",
    handler: async () =>
      ok({
        status: "ok",
        uptime_ms: p.deps.clock.now() - startedAt,
        storage: p.storage.description,
        routes: p.routes.list().length,
      }),
  };
  return [
    health,
    ...routesHandlers(p.routes, (id, route) => {
      p.faults.clear(`route:${id}`);
      if (route?.chaos_config) p.faults.setForRoute(id, route.chaos_config);
    }, p.shared, p.envAllowlist, p.deps.logger),
    ...requestsHandlers(p.storage.journal, p.recorder, p.deps),
    ...deliveriesHandlers(p.storage.deliveries, p.deliveries),
    ...signatureHandlers(p.storage.journal, p.deps),
    ...chainsHandlers(p.chains, p.storage.runs, p.shared, p.envAllowlist),
    ...scenariosHandlers(p.scenarios),
    ...runsHandlers(p.storage.runs, p.rules),
    ...faultsHandlers(() => p.faults),
    promoteHandler(p.storage.journal, p.routes),
    ...exportHandlers({ journal: p.storage.journal, deliveries: p.storage.deliveries, baseUrl: p.url, version: VERSION }),
    ...openapiHandlers(p.openapi),
    streams.route,
    ...uiHandlers(),
    ...clusterHandlers(() => p.clusterStatus()),
  ];
}
