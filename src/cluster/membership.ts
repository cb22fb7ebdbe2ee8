/**
 * Cluster membership (issue 19 part 1): this process registers in the store's member list and
 * heartbeats every `heartbeatMs`. A member whose heartbeat is older than the lease time counts
 * as dead; the runs (chain, scenario, rule, script) it left `running` are marked `interrupted`
 * by whichever member notices first, so they show as cut off instead of running forever.
 */
import type { Clock, TimerHandle } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { MemberRecord, Storage } from "../storage/ports.js";

export interface MembershipOptions {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  /** How this member is reached (listen address), its version and pid. */
  self: Pick<MemberRecord, "host" | "port" | "version" | "pid">;
  /** Default 1000 ms. */
  heartbeatMs?: number;
  /** A heartbeat older than this means dead (`webhooks.lease_ms`). */
  leaseMs: number;
}

/** A member as status shows it. */
export interface MemberView extends MemberRecord {
  alive: boolean;
  self: boolean;
}

export interface Membership {
  readonly id: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Every known member, with `alive` worked out against the lease time. */
  members(): Promise<MemberView[]>;
  /** One heartbeat (and orphan check when due): what the timer runs. */
  beat(): Promise<void>;
}

/** Dead members stay listed (as dead) this long after their last heartbeat, then are removed. */
const KEEP_DEAD_MS = 60 * 60 * 1000;

/**
 * @example
 * const membership = createMembership({ storage, clock, logger, self: { host, port, version, pid: process.pid }, leaseMs: 10_000 });
 * await membership.start();
 * const members = await membership.members();
 */
export function createMembership(o: MembershipOptions): Membership {
  const { storage, clock, logger } = o;
  const id = storage.instanceId;
  const heartbeatMs = o.heartbeatMs ?? 1000;
  let timer: TimerHandle | undefined;
  let running = false;
  let failing = false;
  let lastOrphanCheck = Number.NEGATIVE_INFINITY;
  let startedAt = 0;
  const record = (now: number): MemberRecord => ({ id, ...o.self, startedAt, heartbeatAt: now, stoppedAt: null });
  const isAlive = (m: MemberRecord, now: number) => m.stoppedAt === null && now - m.heartbeatAt < o.leaseMs;

  async function interruptOrphans(now: number): Promise<void> {
    lastOrphanCheck = now;
    const live = (await storage.members.list()).filter((m) => m.id === id || isAlive(m, now)).map((m) => m.id);
    const n = await storage.runs.interruptOrphans(live, now);
    if (n > 0) logger.warn({ interrupted: n }, "runs left running by a member that is gone are marked interrupted");
    await storage.members.prune(now - KEEP_DEAD_MS);
  }

  const membership: Membership = {
    id,
    async start() {
      startedAt = clock.now();
      await storage.members.register(record(startedAt));
      // A single-owner store: every run still `running` was left by a process that is gone.
      await interruptOrphans(startedAt);
      running = true;
      const tick = () => {
        timer = clock.setTimeout(() => void membership.beat().finally(() => running && tick()), heartbeatMs);
      };
      tick();
    },
    async beat() {
      const now = clock.now();
      try {
        // No row: pruned while this member could not reach the store. Register again.
        if (!(await storage.members.heartbeat(id, now))) await storage.members.register(record(now));
        if (storage.shared && now - lastOrphanCheck >= o.leaseMs / 3) await interruptOrphans(now);
        if (failing) logger.info("cluster heartbeat: storage reachable again");
        failing = false;
      } catch (e) {
        if (!failing) logger.error({ err: e }, "cluster heartbeat failed; retrying every heartbeat");
        failing = true;
      }
    },
    async stop() {
      running = false;
      clock.clearTimeout(timer);
      timer = undefined;
      await storage.members.leave(id, clock.now()).catch((e: unknown) => logger.warn({ err: e }, "cluster: could not record leaving"));
    },
    async members() {
      const now = clock.now();
      return (await storage.members.list()).map((m) => ({ ...m, alive: m.id === id ? running : isAlive(m, now), self: m.id === id }));
    },
  };
  return membership;
}
