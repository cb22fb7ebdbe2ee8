/**
 * Shared run-time state (issue 19 part 4): a route or chain changed through any member's admin
 * API is recorded in the store, signalled to every member (NOTIFY), and applied by each, in the
 * store's one order of changes. Each member knows the version of every key it has applied; a
 * change made on a stale version (another member changed the key first) is refused with 409.
 * A single-owner store (sqlite, memory) has no shared state: changes apply in the process only.
 */
import type { Clock, TimerHandle } from "../core/clock.js";
import { MockForgeError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { SharedChange, Storage } from "../storage/ports.js";

/** Applies a change made by another member: `body` null means removed. */
export type ApplyChange = (key: string, body: unknown) => void;

export interface SharedState {
  /**
   * Records `body` (null: removed) as the new value of `kind`/`key` for every member, then runs
   * `applyHere` and returns its result. Rejects MFG_ERR_STATE_CONFLICT (409) when another
   * member changed the key since this one last applied it, and a storage error when the store
   * is away (nothing is applied then).
   */
  change<T>(kind: string, key: string, body: unknown, applyHere: () => T): Promise<T>;
  /** How changes of `kind` made elsewhere are applied here. */
  register(kind: string, apply: ApplyChange): void;
  /** Applies every change recorded so far, then follows new ones (signal, and a poll as fallback). */
  start(): Promise<void>;
  stop(): void;
  /** Applies changes recorded since the last one applied here. */
  sync(): Promise<void>;
}

export interface SharedStateOptions {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  /** Fallback poll when signals are lost. Default 1000 ms. */
  pollMs?: number;
}

export function createSharedState(o: SharedStateOptions): SharedState {
  const { storage, clock, logger } = o;
  const store = storage.sharedState;
  const appliers = new Map<string, ApplyChange>();
  const versions = new Map<string, number>();
  let lastSeq = 0;
  let syncing: Promise<void> | null = null;
  let again = false;
  let timer: TimerHandle | undefined;
  let running = false;
  let unlisten: () => void = () => {};

  const known: KnownChanges = { versions, appliers, instanceId: storage.instanceId, logger };
  const apply = (c: SharedChange) => applyChange(known, c);

  async function syncOnce(): Promise<void> {
    if (!store) return;
    do {
      again = false;
      for (const c of await store.since(lastSeq)) {
        apply(c);
        lastSeq = c.seq;
      }
    } while (again);
  }

  const shared: SharedState = {
    async change(kind, key, body, applyHere) {
      if (!store) return applyHere();
      // Apply what others did first: a change made on top of a known version is not a conflict.
      await shared.sync();
      const expected = versions.get(id(kind, key)) ?? 0;
      const written = await store.write({ kind, key, body: body ?? null, origin: storage.instanceId, at: clock.now() }, expected);
      if (!written) {
        throw new MockForgeError("MFG_ERR_STATE_CONFLICT", `${kind} '${key}' was changed by another cluster member at the same time; this change was not applied`, {
          hint: `Read it again (GET) and repeat the change if it still applies.`,
        });
      }
      versions.set(id(kind, key), written.version);
      return applyHere();
    },
    register(kind, fn) {
      appliers.set(kind, fn);
    },
    sync() {
      if (syncing) {
        again = true;
        return syncing;
      }
      syncing = syncOnce().finally(() => (syncing = null));
      return syncing;
    },
    async start() {
      if (!store) return;
      await shared.sync();
      running = true;
      const poll = () => {
        timer = clock.setTimeout(() => {
          void shared
            .sync()
            .catch((e: unknown) => logger.warn({ err: String(e) }, "shared state: sync failed; retrying"))
            .finally(() => running && poll());
        }, o.pollMs ?? 1000);
      };
      poll();
      if (storage.signals) unlisten = await storage.signals.listen("state", () => void shared.sync().catch(() => undefined));
    },
    stop() {
      running = false;
      clock.clearTimeout(timer);
      unlisten();
    },
  };
  return shared;
}

const id = (kind: string, key: string) => `${kind}\u0000${key}`;

/** What a member knows of the changes: the version it applied per key, and how to apply each kind. */
interface KnownChanges {
  versions: Map<string, number>;
  appliers: Map<string, ApplyChange>;
  instanceId: string;
  logger: Logger;
}

/** Notes the version of `c` and applies it here if it is newer and was made by another member. */
function applyChange(k: KnownChanges, c: SharedChange): void {
  const known = k.versions.get(id(c.kind, c.key)) ?? 0;
  k.versions.set(id(c.kind, c.key), Math.max(known, c.version));
  // This member's own changes are applied by `change` itself; the signal of one can arrive
  // (and a sync run) before `change` has noted its version, so origin decides, not version.
  if (c.version <= known || c.origin === k.instanceId) return;
  const fn = k.appliers.get(c.kind);
  if (!fn) return k.logger.warn({ kind: c.kind, key: c.key }, "shared state: a change of a kind this version does not know is ignored");
  try {
    fn(c.key, c.body);
  } catch (e) {
    // Checked by the member that made it; failing here means this member's config differs.
    k.logger.error({ err: e, kind: c.kind, key: c.key, seq: c.seq }, "shared state: could not apply a change made by another member");
  }
}
