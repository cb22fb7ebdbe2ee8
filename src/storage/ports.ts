/**
 * Storage ports: what the domain needs from a store, nothing about how it is kept.
 * Every backend (memory, sqlite, postgres) implements all three and passes the one
 * conformance suite in `conformance.ts`. Methods are async so a networked backend fits;
 * the embedded ones resolve at once.
 */

export type Headers = Record<string, string | string[]>;

/**
 * Set by the recorder on an entry it appends when `body` is `JSON.parse(rawBody)`: a store
 * may then keep `rawBody` only and parse it back when the entry is read, instead of encoding
 * the same body twice. A symbol, so it never shows in what reads return.
 */
export const BODY_IS_PARSED_RAW: unique symbol = Symbol("mockforge.journal.bodyIsParsedRaw");

/** One request the server received, as the journal keeps it. */
export interface JournalEntry {
  id: string;
  /** Epoch ms when the request arrived. */
  time: number;
  method: string;
  /** Path without the query string. */
  path: string;
  /** Path and query as received. */
  url: string;
  query: Record<string, string | string[]>;
  params: Record<string, string>;
  headers: Headers;
  /** The body as received, decoded as UTF-8 (binary bodies are base64 with `rawBodyEncoding: "base64"`). */
  rawBody: string;
  rawBodyEncoding: "utf8" | "base64";
  /** Parsed body: JSON value for JSON, object for forms, string for text, null when absent or unparsable. */
  body: unknown;
  /** Id of the matched route, null when nothing matched (404/405) or the request hit the admin API. */
  routeId: string | null;
  status: number;
  durationMs: number;
  /** Why something unusual happened ("body too large", "loop guard: depth 9 > 8, no webhooks"). */
  notes: string[];
  traceId: string | null;
  /** The route's `verify` outcome; absent when the route checks no signature. */
  signature?: JournalSignature;
  [BODY_IS_PARSED_RAW]?: boolean;
}

/** How a request's signature fared against its route's `verify` block (issue 21). */
export interface JournalSignature {
  valid: boolean;
  scheme: string;
  /** `missing_header`, `malformed_header`, `bad_signature`, `stale_timestamp`, `bad_secret`; null when valid. */
  reason: string | null;
  /** The reason in words; null when valid. */
  message: string | null;
}

export interface JournalFilter {
  method?: string;
  /** Exact path match. */
  path?: string;
  routeId?: string;
  /** Only entries with `time >= since` (epoch ms). */
  since?: number;
  /** At most this many, newest first. Default 100. */
  limit?: number;
}

export interface JournalStore {
  /**
   * Records an entry. May buffer; `list` and `count` always see every appended entry.
   * The store takes the object as it is (this runs once per served request, so nothing is
   * copied): the caller must not change it afterwards. Reads always hand out copies.
   * Synchronous (every store buffers; a failed write is retried and logged by the store), so
   * a served request costs no promise; it throws only once the store is closed.
   */
  append(entry: JournalEntry): void;
  /** Newest first. */
  list(filter?: JournalFilter): Promise<JournalEntry[]>;
  get(id: string): Promise<JournalEntry | undefined>;
  count(): Promise<number>;
  clear(): Promise<void>;
  /** Keeps the newest `max` entries. Returns how many were removed. */
  prune(max: number): Promise<number>;
}

/**
 * `pending`: waiting for its next attempt (at `nextAttemptAt`).
 * `in_flight`: an attempt is being sent, under a lease (`leaseOwner` until `leaseUntil`); a lease
 * that runs out (its owner died or lost its store) is put back to `pending` by any instance.
 * `succeeded`: a 2xx (or 3xx) answer. `failed`: stopped without retrying (4xx, 410, invalid URL).
 * `dead`: every attempt used up.
 */
export type DeliveryStatus = "pending" | "in_flight" | "succeeded" | "failed" | "dead";

export interface StoredRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The exact bytes sent, as UTF-8 text (null for no body). */
  body: string | null;
}

export interface DeliveryRecord {
  id: string;
  /** Idempotency key sent as `webhook-id`; stable across retries. */
  webhookId: string;
  mode: "queued" | "awaited";
  /** What made the call: `route`, `hook`, `chain`, `rule`, `script`, `replay`, `api`. */
  sourceKind: string;
  /** The route id, hook name, chain id… that made it. */
  sourceId: string | null;
  /** The request as rendered, before signing headers are added (they are re-made per attempt). */
  request: StoredRequest;
  /** Retry, signing and timeout options as given (JSON). Opaque to the store. */
  options: unknown;
  status: DeliveryStatus;
  attemptCount: number;
  /** Epoch ms of the next attempt while `pending`, else null. */
  nextAttemptAt: number | null;
  createdAt: number;
  updatedAt: number;
  lastStatus: number | null;
  lastError: string | null;
  traceId: string | null;
  /** The delivery this one replays, if any. */
  replayOf: string | null;
  /** While `in_flight`: the instance sending it (see DeliveryLease), else null. */
  leaseOwner: string | null;
  /** While `in_flight`: epoch ms after which any instance may put it back to `pending`, else null. */
  leaseUntil: number | null;
}

/** Who holds a claimed delivery, and until when (epoch ms). The holder extends it while its attempt runs. */
export interface DeliveryLease {
  owner: string;
  until: number;
}

export interface AttemptRecord {
  id: string;
  deliveryId: string;
  /** 1-based. */
  number: number;
  startedAt: number;
  durationMs: number;
  /** The request as sent, signing headers included. */
  request: StoredRequest;
  response: { status: number; headers: Headers; body: string; truncated: boolean } | null;
  error: { code: string; message: string } | null;
  /** Whether this outcome allows another attempt under the policy. */
  retryable: boolean;
  /** Delay chosen before the next attempt, null when there is none. */
  nextDelayMs: number | null;
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  /** Substring of the URL. */
  url?: string;
  sourceKind?: string;
  sourceId?: string;
  since?: number;
  /** Default 100, newest first. */
  limit?: number;
}

export interface DeliveryStore {
  /**
   * True when every read of this store sees a write as soon as it is issued, before its
   * commit resolves (SQLite commits queued writes before any read; memory writes at once).
   * A caller that needs only later reads to see a record then need not wait for the commit.
   */
  readonly readsSeeIssuedWrites: boolean;
  /** Must be durable when it resolves: a crash after this still delivers. */
  insert(d: DeliveryRecord): Promise<void>;
  update(id: string, patch: Partial<Omit<DeliveryRecord, "id">>): Promise<void>;
  get(id: string): Promise<DeliveryRecord | undefined>;
  list(filter?: DeliveryFilter): Promise<DeliveryRecord[]>;
  count(filter?: Pick<DeliveryFilter, "status">): Promise<number>;
  /**
   * Records an attempt. Numbers are unique per delivery on every backend: a number the delivery
   * already has is refused with MFG_ERR_ATTEMPT_EXISTS and nothing is written.
   */
  addAttempt(a: AttemptRecord): Promise<void>;
  /**
   * Inserts a finished delivery and its attempts at once (one transaction where the backend
   * has them). Awaited calls are recorded this way when they end: one write per call instead
   * of one per step, which is what a chain link's overhead is made of.
   */
  insertFinished(d: DeliveryRecord, attempts: AttemptRecord[]): Promise<void>;
  /** Oldest first. */
  attempts(deliveryId: string): Promise<AttemptRecord[]>;
  /**
   * Atomically moves up to `limit` deliveries that are `pending` with `nextAttemptAt <= now`
   * to `in_flight` under `lease` and returns them (oldest due first). Two instances never
   * claim the same one. Each comes back with `attemptCount` at least its highest stored attempt
   * number (and stored so): an attempt recorded just before a crash, whose delivery was not
   * updated yet, still counts, so the next attempt never reuses its number.
   */
  claimDue(now: number, limit: number, lease: DeliveryLease): Promise<DeliveryRecord[]>;
  /**
   * Moves the lease of each of `ids` that is still `in_flight` and held by `lease.owner` to
   * `lease.until`. A delivery another instance has taken over is left alone. Returns how many.
   */
  renewLeases(ids: readonly string[], lease: DeliveryLease): Promise<number>;
  /**
   * Every `in_flight` delivery whose lease ran out (`leaseUntil <= now`, or no lease: written
   * by a version without leases) back to `pending`, due now, lease cleared. Safe to call at any
   * time from any instance: a live holder keeps its leases in the future. Returns how many.
   */
  requeueExpired(now: number): Promise<number>;
  /**
   * Every `in_flight` delivery back to `pending`, due now, whatever its lease. Only for a
   * store with one owner (`Storage.shared` false) at start: what is in flight then was left
   * by a process that is gone. Returns how many.
   */
  requeueInFlight(now: number): Promise<number>;
  /** In-flight deliveries per lease owner (null: no lease), for cluster status. */
  leasesByOwner(): Promise<{ owner: string | null; count: number; earliestUntil: number | null }[]>;
  /** The earliest `nextAttemptAt` among pending deliveries, or null. */
  nextDueAt(): Promise<number | null>;
  delete(id: string): Promise<boolean>;
  /** Keeps the newest `max` finished deliveries (pending and in_flight are never pruned). */
  prune(max: number): Promise<number>;
}

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
  /** Flushes buffers and closes. */
  close(): Promise<void>;
}
