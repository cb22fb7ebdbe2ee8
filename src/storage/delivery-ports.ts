/**
 * The outbox's storage port: deliveries, their attempts and leases, as every backend keeps them
 * (re-exported by `ports.ts`, the index of all storage ports).
 */
import type { Headers } from "./journal-ports.js";

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

/**
 * The claim-and-lease part of a DeliveryStore: what the outbox's sender loop calls. Each backend
 * writes it in a file of its own (`*-delivery-leases.ts`), beside its reads and writes.
 */
export type DeliveryLeases = Pick<DeliveryStore, "claimDue" | "renewLeases" | "requeueExpired" | "requeueInFlight" | "leasesByOwner" | "nextDueAt">;
