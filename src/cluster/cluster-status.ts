/**
 * What `GET /__mockforge/cluster` and `mockforge cluster status` show: the members (alive or
 * dead), the delivery leases each holds, and the queue depth of the shared outbox.
 */
import type { Clock } from "../core/clock.js";
import type { Storage } from "../storage/ports.js";
import type { MemberView, Membership } from "./membership.js";

export interface ClusterMemberStatus extends MemberView {
  /** Deliveries in flight under this member's lease. */
  leases: number;
}

export interface ClusterStatus {
  /** The member that answered. */
  self: string;
  storage: string;
  /** True on a store several members share (postgres). */
  shared: boolean;
  leaseMs: number;
  now: number;
  members: ClusterMemberStatus[];
  queue: {
    /** Waiting for their next attempt (due now or later). */
    pending: number;
    inFlight: number;
    /** In flight under a lease that already ran out (taken back at the next sweep). */
    expiredLeases: number;
    /** In flight under a lease of a process not in the member list (or none). */
    unknownHolders: number;
  };
}

export async function clusterStatus(storage: Storage, membership: Membership, clock: Clock, leaseMs: number): Promise<ClusterStatus> {
  const [members, leases, pending] = await Promise.all([membership.members(), storage.deliveries.leasesByOwner(), storage.deliveries.count({ status: "pending" })]);
  const now = clock.now();
  const byOwner = new Map(leases.map((l) => [l.owner, l]));
  const known = new Set(members.map((m) => m.id));
  return {
    self: membership.id,
    storage: storage.description,
    shared: storage.shared,
    leaseMs,
    now,
    members: members.map((m) => ({ ...m, leases: byOwner.get(m.id)?.count ?? 0 })),
    queue: {
      pending,
      inFlight: leases.reduce((n, l) => n + l.count, 0),
      expiredLeases: leases.filter((l) => l.earliestUntil === null || l.earliestUntil <= now).reduce((n, l) => n + l.count, 0),
      unknownHolders: leases.filter((l) => l.owner === null || !known.has(l.owner)).reduce((n, l) => n + l.count, 0),
    },
  };
}

/** The status as the CLI prints it: one line per member, then the queue. */
export function formatClusterStatus(s: ClusterStatus): string {
  const rows = s.members.map((m) => [
    m.id + (m.self ? " *" : ""),
    m.alive ? "alive" : m.stoppedAt !== null ? "stopped" : "dead",
    `${m.host}:${m.port}`,
    m.version,
    String(m.pid),
    `${Math.max(0, s.now - m.heartbeatAt)} ms ago`,
    String(m.leases),
  ]);
  const head = ["MEMBER", "STATE", "ADDRESS", "VERSION", "PID", "HEARTBEAT", "LEASES"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  const q = s.queue;
  return [
    `storage ${s.storage} (${s.shared ? "shared" : "single owner"}), lease ${s.leaseMs} ms; * = the member that answered`,
    fmt(head),
    ...rows.map(fmt),
    `queue: ${q.pending} pending, ${q.inFlight} in flight (${q.expiredLeases} under an expired lease, ${q.unknownHolders} held by no known member)`,
    "",
  ].join("\n");
}
