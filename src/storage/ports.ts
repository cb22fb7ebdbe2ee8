/**
 * Storage ports: what the domain needs from a store, nothing about how it is kept.
 * Every backend (memory, sqlite, postgres) implements all three and passes the one
 * conformance suite in `conformance.ts`. Methods are async so a networked backend fits;
 * the embedded ones resolve at once.
 */
import type { DeliveryStore } from "./delivery-ports.js";
import type { JournalStore } from "./journal-ports.js";

// The journal and outbox ports have files of their own; this file stays the one place to import any port from.
export { BODY_IS_PARSED_RAW, type Headers, type JournalEntry, type JournalFilter, type JournalSignature, type JournalStore } from "./journal-ports.js";
export type { AttemptRecord, DeliveryFilter, DeliveryLease, DeliveryLeases, DeliveryRecord, DeliveryStatus, DeliveryStore, StoredRequest } from "./delivery-ports.js";

/** A run of something: a chain, a scenario, a rule, a script. Domain data is opaque JSON. */
export interface RunRecord {
  id: string;
  kind: "chain" | "scenario" | "rule" | "script";
  /** Chain id, scenario name, rule name, route id… */
  refId: string;
  status: string;
  startedAt: number;
  finishedAt: number | null;
  data: unknown;
}

export interface RunFilter {
  kind?: RunRecord["kind"];
  refId?: string;
  status?: string;
  since?: number;
  /** Default 100, newest first. */
  limit?: number;
}

export interface RunStore {
  /** Insert or replace by id. */
  put(run: RunRecord): Promise<void>;
  get(id: string): Promise<RunRecord | undefined>;
  list(filter?: RunFilter): Promise<RunRecord[]>;
  /** Keeps the newest `max` runs of a kind. */
  prune(kind: RunRecord["kind"], max: number): Promise<number>;
  /**
   * Runs still `running` whose instance (the `Storage.instanceId` that last wrote them) is not
   * in `liveOwners` become `interrupted`, finished at `now`: their process died mid-run, and a
   * run nobody will finish must say so rather than look alive forever. Returns how many.
   */
  interruptOrphans(liveOwners: readonly string[], now: number): Promise<number>;
  clear(kind?: RunRecord["kind"]): Promise<void>;
}

/** One MockForge process using a store: a cluster member on a shared store. */
export interface MemberRecord {
  /** The process's `Storage.instanceId`. */
  id: string;
  /** Where it listens (its host name when bound to every interface). */
  host: string;
  port: number;
  /** MockForge version. */
  version: string;
  pid: number;
  startedAt: number;
  /** Epoch ms of its last heartbeat: older than the lease time means dead. */
  heartbeatAt: number;
  /** Set when it stopped cleanly, else null. */
  stoppedAt: number | null;
}

export interface MemberStore {
  /** Inserts or replaces a member's row. */
  register(m: MemberRecord): Promise<void>;
  /** Moves `heartbeatAt` of a member; false when it has no row (pruned: register again). */
  heartbeat(id: string, now: number): Promise<boolean>;
  /** Marks a member stopped at `now`. */
  leave(id: string, now: number): Promise<void>;
  /** Every member, oldest start first. */
  list(): Promise<MemberRecord[]>;
  /** Deletes members whose last heartbeat is older than `before`. Returns how many. */
  prune(before: number): Promise<number>;
}

/** `due`: deliveries became due (payload: epoch ms, or empty). `state`: shared run-time state changed. */
export type SignalTopic = "due" | "state";

/** Signals between the processes sharing a store (postgres LISTEN/NOTIFY). */
export interface StoreSignals {
  /**
   * Calls `fn` for every signal on `topic`, from any member, this one included. After a lost
   * connection comes back, `fn` is called with an empty payload: signals may have been missed.
   * Resolves with the unsubscribe function (listening is retried in the background if the
   * store is away: polling covers the gap).
   */
  listen(topic: SignalTopic, fn: (payload: string) => void): Promise<() => void>;
  notify(topic: SignalTopic, payload: string): Promise<void>;
}

/** One change of shared run-time state (a route, a chain…), in the order every member applies them. */
export interface SharedChange {
  /** Global order of changes: every member applies them by increasing `seq`. */
  seq: number;
  /** `route`, `chain`… */
  kind: string;
  /** The route id, chain id… */
  key: string;
  /** 1 for the first change of a key, +1 for each change after. */
  version: number;
  /** The new value (JSON), or null when the thing was removed. */
  body: unknown;
  /** The instance that made the change. */
  origin: string;
  at: number;
}

/** Run-time state shared by the members of a cluster. */
export interface SharedStateStore {
  /**
   * Records a change if the key is still at `expected` (0: never changed at run time), as the
   * next in the global order, and signals `state`. Returns the change, or null when another
   * member changed the key first (the caller answers 409).
   */
  write(change: Omit<SharedChange, "seq" | "version">, expected: number): Promise<SharedChange | null>;
  /** Changes with `seq` greater than `after`, in order. */
  since(after: number): Promise<SharedChange[]>;
}

/**
 * The loop guard's fan-out budget counted across the members of a cluster (SPEC §3 "Bounds"):
 * a call that lands on another member still counts against its trace.
 */
export interface TraceCountStore {
  /**
   * Counts one more outbound call of `traceId` (at `now`) and returns the trace's count with
   * it. Atomic across members: two members counting at once get two different counts. A trace
   * not counted for a while (minutes) is forgotten: its loop has long ended.
   */
  add(traceId: string, now: number): Promise<number>;
}

export interface Storage {
  /** `sqlite:<path>`, `memory`, or `postgres://…`, as configured. */
  readonly description: string;
  /**
   * True when several live processes may use this store at once (postgres): what is in flight
   * at start may be another member's, so only expired leases are taken over. False for a store
   * with one owner (memory; a sqlite file, which one server owns).
   */
  readonly shared: boolean;
  /**
   * This process's id in the store: it holds this process's delivery leases, is stamped on the
   * runs it writes, and names it in the member list. Fresh per open unless given.
   */
  readonly instanceId: string;
  readonly journal: JournalStore;
  readonly deliveries: DeliveryStore;
  readonly runs: RunStore;
  /**
   * Processes using this store. Shared on postgres; on a single-owner store (sqlite, memory)
   * kept in the process, which is the only member there is.
   */
  readonly members: MemberStore;
  /** Signals between members; null on a single-owner store, where there is no one to tell. */
  readonly signals: StoreSignals | null;
  /** Run-time state shared by members; null on a single-owner store (it keeps its state in the process). */
  readonly sharedState: SharedStateStore | null;
  /**
   * Outbound calls per trace, counted across members; null on a single-owner store, where the
   * process's own count is the whole count.
   */
  readonly traceCounts: TraceCountStore | null;
  /** Flushes buffers and closes. */
  close(): Promise<void>;
}
