/**
 * The delivery engine (SPEC §3): every outbound call is stored, then sent, each attempt
 * recorded, retried or finished. Queued calls are durable before `enqueue` resolves and are
 * sent at once when a slot is free; awaited calls (`send`) are recorded the same way and
 * retried inline for their caller.
 */
import { setMaxListeners } from "node:events";
import type { Clock } from "../core/clock.js";
import { describeError, MockForgeError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { Random } from "../core/random.js";
import type { DeliveryRecord, DeliveryStatus, Storage } from "../storage/ports.js";
import { sendAwaited } from "./awaited-send.js";
import { webhooksConfigSchema, type WebhooksConfigInput } from "../config/schema/webhooks.js";
import type { DeliveryDefaults } from "./delivery-options.js";
import { newDeliveryRecord, replayRecord } from "./new-record.js";
import { createDeliveryWaiters, FINISHED, isFinished } from "./delivery-waiters.js";
import { createDispatcher } from "./dispatcher.js";
import { drainDeliveries } from "./drain.js";
import { createLeaseKeeper } from "./lease-keeper.js";
import { selfAdminGuard, type SelfAddress } from "./self-admin-guard.js";
import { createHttpClient, type HttpClient } from "./http-client.js";
import { assertDeliveryUrl } from "./outbound-request.js";
import { lastErrorText, performAttempt, type AttemptDeps } from "./perform-attempt.js";
import { failAwaitedLeftovers, INTERRUPTED_REASON } from "./restart-recovery.js";
import { createRetention } from "./retention.js";
import type { DeliveryMode } from "./retry-policy.js";
import { budgetError, TraceBudget, traceBudgetGuard } from "./trace-budget.js";
import type { DeliveryEngine, DeliveryOptions, OutboundRequest } from "./types.js";

export interface DeliveryEngineOptions {
  storage: Storage;
  clock: Clock;
  random: Random;
  logger: Logger;
  /** The config's `webhooks` block; missing fields take the schema's defaults. */
  defaults?: WebhooksConfigInput;
  /** Sweep for deliveries other processes wrote to the same store. Default 1000 ms; 0 = off. */
  pollIntervalMs?: number;
  /** Replaces the undici client (tests). The engine closes it on stop. */
  http?: HttpClient;
  /** This server's address: calls to its own `/__mockforge` are refused (SPEC §10). */
  self?: SelfAddress;
  /** What `{{env.NAME}}` in a signing secret reads when an attempt is signed. Default: none. */
  env?: Readonly<Record<string, string | undefined>>;
}

export type MockForgeDeliveryEngine = DeliveryEngine & Required<Pick<DeliveryEngine, "subscribe">>;

/**
 * @example
 * const engine = createDeliveryEngine({ storage, clock: systemClock, random: systemRandom, logger });
 * await engine.start();
 * await engine.enqueue({ method: "POST", url: "http://127.0.0.1:4000/hooks", body: { event: "order.created" } },
 *   { source: { kind: "route", id: "create_order" } });
 * const res = await engine.send({ method: "GET", url: "http://127.0.0.1:4000/health" }, { source: { kind: "chain" } });
 * await engine.stop();
 */
export function createDeliveryEngine(o: DeliveryEngineOptions): MockForgeDeliveryEngine {
  const { storage, clock, random } = o;
  const store = storage.deliveries;
  const logger = o.logger.child({ component: "delivery" });
  const defaults: DeliveryDefaults = webhooksConfigSchema.parse(o.defaults ?? {});
  const http = o.http ?? createHttpClient({ clock });
  const deps: AttemptDeps = { storage, http, clock, random, defaults, env: o.env ?? {}, ...(o.self ? { selfAdmin: selfAdminGuard(o.self) } : {}) };
  const waiters = createDeliveryWaiters(clock);
  const retention = createRetention({ store, logger, keep: defaults.retention });
  const stopController = new AbortController();
  // Every attempt in flight listens on this one signal; hundreds at once are normal.
  setMaxListeners(0, stopController.signal);
  const awaitedRuns = new Set<Promise<unknown>>();
  const records = new Set<Promise<void>>();
  let state: "new" | "running" | "stopped" = "new";
  let unlisten: () => void = () => {};
  const overBudget = traceBudgetGuard(new TraceBudget(defaults.max_trace_fanout, storage.traceCounts, clock), { store, logger, recorded: (r) => (waiters.notify(r), retention.finished()) });

  const leases = createLeaseKeeper({
    store,
    clock,
    logger,
    owner: storage.instanceId,
    leaseMs: defaults.lease_ms,
    onRequeued: () => dispatcher.wakeAt(clock.now()),
  });
  const dispatcher = createDispatcher({
    store,
    clock,
    logger,
    concurrency: defaults.concurrency,
    pollIntervalMs: o.pollIntervalMs ?? 1000,
    lease: leases.lease,
    run: (record, stored, exchanged) => {
      // Renewed for as long as the attempt runs, dropped however it ends: an attempt whose
      // outcome could not be stored leaves its row in flight, and the lease running out is
      // what puts it back in the queue.
      leases.hold(record.id);
      return runQueued(record, stored, exchanged).finally(() => leases.drop(record.id));
    },
  });

  function changed(record: DeliveryRecord): void {
    waiters.notify(record);
    if (isFinished(record.status)) {
      retention.finished();
      if (record.status !== "succeeded") {
        logger.warn({ deliveryId: record.id, url: record.request.url, status: record.status, lastError: record.lastError }, `delivery ${record.status}`);
      }
    }
  }

  async function finish(record: DeliveryRecord, patch: Partial<DeliveryRecord>): Promise<DeliveryRecord> {
    // Out of flight: no lease any more.
    // Object.assign, not spreads, on this path: see "Object spreads" in docs/performance.md.
    const out = { leaseOwner: null, leaseUntil: null, updatedAt: clock.now() };
    const next: DeliveryRecord = Object.assign({}, record, patch, out);
    await store.update(record.id, Object.assign({}, patch, out));
    changed(next);
    return next;
  }

  /**
   * One queued attempt for a delivery this process holds in flight. `stored` resolves once the
   * delivery's row is committed (already true for claimed ones); `exchanged` gives the
   * dispatcher slot back as soon as the HTTP exchange is over.
   */
  async function runQueued(record: DeliveryRecord, stored: Promise<unknown> = Promise.resolve(), exchanged: () => void = () => undefined): Promise<void> {
    if (record.mode === "awaited") {
      // Claimed after a restart: the caller that awaited it is gone, so sending it now helps nobody.
      await finish(record, { status: "failed", nextAttemptAt: null, lastError: INTERRUPTED_REASON });
      return;
    }
    let outcome: Awaited<ReturnType<typeof performAttempt>>;
    try {
      outcome = await performAttempt(deps, record, { signal: stopController.signal, abandon: () => state === "stopped", stored, exchanged });
    } catch (e) {
      // The row never committed: enqueue rejected and its caller reported it; nothing to record.
      if (await stored.then(() => false, () => true)) return;
      throw e;
    }
    if (!outcome) return; // engine stopping: left in flight until its lease runs out
    const now = clock.now();
    const retry = outcome.next === "retry";
    const updated = await finish(record, {
      status: retry ? "pending" : (outcome.next as DeliveryStatus),
      attemptCount: outcome.attempt.number,
      nextAttemptAt: retry ? now + outcome.delayMs! : null,
      lastStatus: outcome.response?.status ?? null,
      lastError: lastErrorText(outcome),
    });
    logger.debug({ deliveryId: record.id, attempt: outcome.attempt.number, next: outcome.next, delayMs: outcome.delayMs }, "delivery attempt");
    if (retry) dispatcher.wakeAt(updated.nextAttemptAt!);
  }

  const newRecord = (request: OutboundRequest, options: DeliveryOptions, mode: DeliveryMode) => newDeliveryRecord(request, options, mode, clock.now(), random, defaults);

  /** Stores a queued delivery (durably) and sends it now if a slot is free, else when due. */
  async function admit(record: DeliveryRecord, delayMs: number): Promise<DeliveryRecord> {
    if (state === "stopped") throw stoppedError();
    const now = clock.now();
    const immediate = delayMs <= 0 && dispatcher.tryReserve();
    const lease = leases.lease();
    // Stored as in flight when this process sends it right away, so no other sweeper claims it.
    const rec: DeliveryRecord = Object.assign(
      {},
      record,
      immediate
        ? { status: "in_flight" as const, nextAttemptAt: null, leaseOwner: lease.owner, leaseUntil: lease.until }
        : { status: "pending" as const, nextAttemptAt: now + Math.max(0, delayMs), leaseOwner: null, leaseUntil: null },
    );
    const stored = store.insert(rec);
    // Under `persist: before_response` (the default) a row that cannot be stored makes the
    // caller answer 503 ("not accepted, retry"), so nothing may be sent before the commit: a
    // retrying client would otherwise cause a second event with another webhook-id. Under
    // `after_response` the caller has answered already; the call goes out while the row commits
    // (one event-loop turn less), and the attempt records wait for the row (see runQueued).
    const sendFirst = immediate && defaults.persist === "after_response";
    if (sendFirst) dispatcher.launch(rec, stored);
    try {
      await stored;
    } catch (e) {
      if (immediate && !sendFirst) dispatcher.release();
      throw e;
    }
    if (immediate && !sendFirst) dispatcher.launch(rec);
    waiters.notify(rec);
    if (!immediate) dispatcher.wakeAt(rec.nextAttemptAt!);
    return { ...rec };
  }

  const engine: MockForgeDeliveryEngine = {
    async enqueue(request, options) {
      if (state === "stopped") throw stoppedError();
      const record = newRecord(request, options, "queued");
      const suppressed = await overBudget(record, options.traceId);
      return suppressed ?? admit(record, options.delay_ms ?? 0);
    },

    async send(request, options) {
      if (state === "stopped") throw stoppedError();
      const record = newRecord(request, options, "awaited");
      const suppressed = await overBudget(record, options.traceId);
      if (suppressed) throw budgetError(suppressed);
      const run = sendAwaited({ deps, record, signal: options.signal, stopSignal: stopController.signal, changed, recording });
      awaitedRuns.add(run);
      try {
        return await run;
      } finally {
        awaitedRuns.delete(run);
      }
    },

    async replay(deliveryId, opts = {}) {
      const orig = await store.get(deliveryId);
      if (!orig) {
        throw new MockForgeError("MFG_ERR_DELIVERY_NOT_FOUND", `Delivery '${deliveryId}' does not exist`, {
          hint: "List deliveries with GET /__mockforge/deliveries; finished ones are pruned beyond `webhooks.retention`.",
        });
      }
      if (opts.url !== undefined) assertDeliveryUrl(opts.url);
      const record = replayRecord(orig, opts, clock.now(), random, defaults);
      return admit(record, 0);
    },

    waitFor(filter, count, timeoutMs) {
      return waiters.waitFor(filter, count, timeoutMs, async () => {
        const statuses = filter.status ? [filter.status] : FINISHED;
        const lists = await Promise.all(
          statuses.map((status) => store.list({ status, url: filter.url, sourceKind: filter.sourceKind, since: filter.since, limit: count })),
        );
        return lists.flat();
      });
    },

    drain(timeoutMs) {
      return drainDeliveries({ store, clock, waiters, timeoutMs, awaitedInFlight: () => awaitedRuns.size });
    },

    async start() {
      if (state === "running") return;
      if (state === "stopped") throw stoppedError();
      state = "running";
      const failed = await failAwaitedLeftovers(store, clock.now());
      failed.forEach(changed);
      // A store with one owner: whatever is in flight was left by a process that is gone, so
      // it is resumed at once. A shared store: only leases that ran out; the rest belong to
      // live members (or come back when their lease does).
      const requeued = storage.shared ? await store.requeueExpired(clock.now()) : await store.requeueInFlight(clock.now());
      if (failed.length || requeued) logger.info({ requeued, awaitedFailed: failed.length }, "resuming deliveries left from the last run");
      dispatcher.start();
      leases.start();
      // Shared store: a delivery that becomes due on another member wakes this one at once
      // (LISTEN/NOTIFY); the poll stays as the fallback when signals are lost or unavailable.
      unlisten = storage.signals ? await storage.signals.listen("due", (at) => dispatcher.wakeAt(at ? Number(at) : clock.now())) : () => {};
      retention.prune();
    },

    async stop(opts = {}) {
      if (state === "stopped") return;
      const wasRunning = state === "running";
      state = "stopped";
      if (wasRunning && (opts.graceMs ?? 0) > 0) await graceful(opts.graceMs!);
      stopController.abort(stoppedError());
      leases.stop();
      unlisten();
      await dispatcher.stop();
      await Promise.allSettled([...awaitedRuns]);
      await Promise.allSettled([...records]);
      waiters.cancelAll(stoppedError());
      await retention.settle();
      await http.close();
    },

    subscribe: (listener) => waiters.subscribe(listener),
  };

  /** An awaited call's record being written while its caller goes on (see sendAwaited). */
  function recording(written: Promise<void>, record: DeliveryRecord): void {
    const settled: Promise<void> = written
      .catch((e: unknown) => logger.error({ err: describeError(e), deliveryId: record.id, url: record.request.url }, "recording a finished awaited call failed"))
      .finally(() => records.delete(settled));
    records.add(settled);
  }

  /** Lets running attempts finish for up to `ms` before they are cut off. */
  async function graceful(ms: number): Promise<void> {
    const ac = new AbortController();
    const timeout = clock.sleep(ms, ac.signal).catch(() => undefined);
    const idle = (async () => {
      // Stopping the dispatcher first would abort nothing; it only waits for runs to settle.
      await Promise.allSettled([dispatcher.stop(), ...awaitedRuns]);
    })();
    await Promise.race([timeout, idle]);
    ac.abort();
  }

  return engine;
}

function stoppedError(): MockForgeError {
  return new MockForgeError("MFG_ERR_DELIVERY_STOPPED", "The delivery engine is stopped", {
    hint: "Deliveries left pending are resumed when the server starts again.",
  });
}
