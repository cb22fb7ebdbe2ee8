import { Command } from "commander";
import { formatClusterStatus, type ClusterStatus } from "../cluster/cluster-status.js";
import { adminCall } from "./admin-client.js";
import { reportError } from "./cli-errors.js";

/** `mockforge cluster status --url …`: the members of a running cluster, asked of any one of them. */
export function clusterCommand(): Command {
  const cmd = new Command("cluster").description("Inspect a MockForge cluster (instances sharing one PostgreSQL)");
  cmd
    .command("status")
    .description("Members, heartbeats, leases held and queue depth, as one member sees them")
    .requiredOption("--url <server>", "any member, e.g. http://127.0.0.1:3000")
    .option("--token <token>", "the admin token (default: $MOCKFORGE_ADMIN_TOKEN)")
    .option("--json", "print JSON instead of a table")
    .action(async (opts: { url: string; token?: string; json?: boolean }) => {
      try {
        const status = await adminCall<ClusterStatus>(opts.url, "GET", "/cluster", undefined, opts.token ?? process.env.MOCKFORGE_ADMIN_TOKEN);
        process.stdout.write(opts.json ? `${JSON.stringify(status, null, 2)}\n` : formatClusterStatus(status));
        // Exit 1 when a member is dead: scripts can check the cluster with the exit code.
        if (status.members.some((m) => !m.alive && m.stoppedAt === null)) process.exitCode = 1;
      } catch (e) {
        process.exitCode = reportError(e);
      }
    });
  return cmd;
}
