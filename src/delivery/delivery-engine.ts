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
import type { DeliveryRecord, Storage } from "../storage/ports.js";
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
import type { AttemptDeps } from "./perform-attempt.js";
import { createQueuedAttempts } from "./queued-attempt.js";
import { createAdmit } from "./admit.js";
import { failAwaitedLeftovers } from "./restart-recovery.js";
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
  const p = engineParts(o);
  const { store, clock, logger, defaults, deps, waiters, dispatcher, stopController, awaitedRuns } = p;
  const newRecord = (request: OutboundRequest, options: DeliveryOptions, mode: DeliveryMode) => newDeliveryRecord(request, options, mode, clock.now(), o.random, defaults);

  /** An awaited call's record being written while its caller goes on (see sendAwaited). */
  const recording = (written: Promise<void>, record: DeliveryRecord): void => {
    const settled: Promise<void> = written
      .catch((e: unknown) => logger.error({ err: describeError(e), deliveryId: record.id, url: record.request.url }, "recording a finished awaited call failed"))
      .finally(() => p.records.delete(settled));
    p.records.add(settled);
  };

  return {
    async enqueue(request, options) {
      p.assertRunning();
      const record = newRecord(request, options, "queued");
      const suppressed = await p.overBudget(record, options.traceId);
      return suppressed ?? p.admit(record, options.delay_ms ?? 0);
    },

    async send(request, options) {
      p.assertRunning();
      const record = newRecord(request, options, "awaited");
      const suppressed = await p.overBudget(record, options.traceId);
      if (suppressed) throw budgetError(suppressed);
      const run = sendAwaited({ deps, record, signal: options.signal, stopSignal: stopController.signal, changed: p.changed, recording });
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
      return p.admit(replayRecord(orig, opts, clock.now(), o.random, defaults), 0);
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

    drain: (timeoutMs) => drainDeliveries({ store, clock, waiters, timeoutMs, awaitedInFlight: () => awaitedRuns.size }),
    start: () => startEngine(p),
    stop: (opts = {}) => stopEngine(p, opts.graceMs ?? 0),
    subscribe: (listener) => waiters.subscribe(listener),
  };
}

/** What one delivery engine is made of, and its state; see `createDeliveryEngine`. */
type EngineParts = ReturnType<typeof engineParts>;

function engineParts(o: DeliveryEngineOptions) {
  const { storage, clock, random } = o;
  const store = storage.deliveries;
  const logger = o.logger.child({ component: "delivery" });
  const defaults: DeliveryDefaults = webhooksConfigSchema.parse(o.defaults ?? {});
  const http = o.http ?? createHttpClient({ clock });
  const deps: AttemptDeps = { storage, http, clock, random, defaults, env: o.env ?? {}, ...(o.self ? { selfAdmin: selfAdminGuard(o.self) } : {}) };
  const waiters = createDeliveryWaiters(clock);
  const stopController = new AbortController();
  // Every attempt in flight listens on this one signal; hundreds at once are normal.
  setMaxListeners(0, stopController.signal);
  const life = { state: "new" as "new" | "running" | "stopped", unlisten: () => {} };
  const assertRunning = () => {
    if (life.state === "stopped") throw stoppedError();
  };
  const changed = (record: DeliveryRecord): void => {
    waiters.notify(record);
    // Finished deliveries past `webhooks.retention` are pruned by the store (storage/retention.ts).
    if (!isFinished(record.status)) return;
    if (record.status !== "succeeded") {
      logger.warn({ deliveryId: record.id, url: record.request.url, status: record.status, lastError: record.lastError }, `delivery ${record.status}`);
    }
  };
  const leases = createLeaseKeeper({ store, clock, logger, owner: storage.instanceId, leaseMs: defaults.lease_ms, onRequeued: () => dispatcher.wakeAt(clock.now()) });
  const queued = createQueuedAttempts({
    deps,
    store,
    clock,
    logger,
    signal: stopController.signal,
    stopping: () => life.state === "stopped",
    changed,
    wakeAt: (at) => dispatcher.wakeAt(at),
  });
  const dispatcher = createDispatcher({
    store,
    clock,
    logger,
    concurrency: defaults.concurrency,
    pollIntervalMs: o.pollIntervalMs ?? 1000,
    lease: leases.lease,
    // The lease is renewed for as long as the attempt runs and dropped however it ends: an
    // attempt whose outcome could not be stored leaves its row in flight, and the lease
    // running out is what puts it back in the queue.
    run: (record, stored, exchanged) => {
      leases.hold(record.id);
      return queued.run(record, stored, exchanged).finally(() => leases.drop(record.id));
    },
  });
  const admit = createAdmit({ store, clock, dispatcher, leases, persist: defaults.persist, stored: (r) => waiters.notify(r), assertRunning });
  const overBudget = traceBudgetGuard(new TraceBudget(defaults.max_trace_fanout, storage.traceCounts, clock), { store, logger, recorded: (r) => waiters.notify(r) });
  return {
    ...{ storage, store, clock, logger, defaults, http, deps, waiters, stopController },
    ...{ leases, dispatcher, admit, overBudget, life, assertRunning, changed },
    awaitedRuns: new Set<Promise<unknown>>(),
    records: new Set<Promise<void>>(),
  };
}

async function startEngine(p: EngineParts): Promise<void> {
  const { life, store, clock, storage, dispatcher } = p;
  if (life.state === "running") return;
  p.assertRunning();
  life.state = "running";
  const failed = await failAwaitedLeftovers(store, clock.now());
  failed.forEach(p.changed);
  // A store with one owner: whatever is in flight was left by a process that is gone, so
  // it is resumed at once. A shared store: only leases that ran out; the rest belong to
  // live members (or come back when their lease does).
  const requeued = storage.shared ? await store.requeueExpired(clock.now()) : await store.requeueInFlight(clock.now());
  if (failed.length || requeued) p.logger.info({ requeued, awaitedFailed: failed.length }, "resuming deliveries left from the last run");
  dispatcher.start();
  p.leases.start();
  // Shared store: a delivery that becomes due on another member wakes this one at once
  // (LISTEN/NOTIFY); the poll stays as the fallback when signals are lost or unavailable.
  life.unlisten = storage.signals ? await storage.signals.listen("due", (at) => dispatcher.wakeAt(at ? Number(at) : clock.now())) : () => {};
}

async function stopEngine(p: EngineParts, graceMs: number): Promise<void> {
  const { life } = p;
  if (life.state === "stopped") return;
  const wasRunning = life.state === "running";
  life.state = "stopped";
  if (wasRunning && graceMs > 0) await graceful(p, graceMs);
  p.stopController.abort(stoppedError());
  p.leases.stop();
  life.unlisten();
  await p.dispatcher.stop();
  await Promise.allSettled([...p.awaitedRuns]);
  await Promise.allSettled([...p.records]);
  p.waiters.cancelAll(stoppedError());
  await p.http.close();
}

/** Lets running attempts finish for up to `ms` before they are cut off. */
async function graceful(p: EngineParts, ms: number): Promise<void> {
  const ac = new AbortController();
  const timeout = p.clock.sleep(ms, ac.signal).catch(() => undefined);
  // Stopping the dispatcher first would abort nothing; it only waits for runs to settle.
  const idle = Promise.allSettled([p.dispatcher.stop(), ...p.awaitedRuns]);
  await Promise.race([timeout, idle]);
  ac.abort();
}

function stoppedError(): MockForgeError {
  return new MockForgeError("MFG_ERR_DELIVERY_STOPPED", "The delivery engine is stopped", {
    hint: "Deliveries left pending are resumed when the server starts again.",
  });
}
