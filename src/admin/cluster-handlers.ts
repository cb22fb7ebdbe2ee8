import type { App } from "../app.js";
import { clusterStatus } from "../cluster/cluster-status.js";
import { ok, type AdminRoute } from "./admin-types.js";

/** `GET /__mockforge/cluster`: members, heartbeats, leases held, queue depth (docs/cluster.md). */
export function clusterHandlers(app: App): AdminRoute[] {
  return [
    {
      method: "GET",
      path: "/cluster",
      handler: async () => ok(await clusterStatus(app.storage(), app.membership(), app.deps.clock, app.loaded.config.webhooks.lease_ms)),
    },
  ];
}
