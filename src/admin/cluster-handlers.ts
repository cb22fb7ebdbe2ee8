import type { ClusterStatus } from "../cluster/cluster-status.js";
import { ok, type AdminRoute } from "./admin-types.js";

/** `GET /__mockforge/cluster`: members, heartbeats, leases held, queue depth (docs/cluster.md). */
export function clusterHandlers(status: () => Promise<ClusterStatus>): AdminRoute[] {
  return [
    {
      method: "GET",
      path: "/cluster",
      handler: async () => ok(await status()),
    },
  ];
}
