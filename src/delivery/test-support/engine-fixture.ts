/**
 * Test fixture: an engine on a memory store (or a given one) with a ManualClock and a seeded
 * random, plus helpers that wait for delivery events with a real-time bound.
 */
import { ManualClock, systemClock } from "../../core/clock.js";
import { memoryLogger } from "../../core/logger.js";
import { seededRandom } from "../../core/random.js";
import { createMemoryStorage } from "../../storage/memory/memory-storage.js";
import type { DeliveryRecord, DeliveryStatus, Storage } from "../../storage/ports.js";
import type { DeliveryDefaults } from "../delivery-options.js";
import { createDeliveryEngine, type MockForgeDeliveryEngine } from "../delivery-engine.js";

export interface EngineFixture {
  engine: MockForgeDeliveryEngine;
  storage: Storage;
  clock: ManualClock;
  logs: ReturnType<typeof memoryLogger>;
  /** Resolves when delivery `id` reaches `status` (or any finished status when omitted). */
  reach(id: string, status?: DeliveryStatus | DeliveryStatus[], boundMs?: number): Promise<DeliveryRecord>;
  /** Resolves on the first status change (from now on) that satisfies `pred`. */
  until(pred: (r: DeliveryRecord) => boolean, boundMs?: number): Promise<DeliveryRecord>;
}

export async function engineFixture(
  opts: { defaults?: Partial<DeliveryDefaults>; storage?: Storage; clock?: ManualClock; start?: boolean; pollIntervalMs?: number } = {},
): Promise<EngineFixture> {
  const storage = opts.storage ?? createMemoryStorage();
  const clock = opts.clock ?? new ManualClock();
  const logs = memoryLogger();
  const engine = createDeliveryEngine({
    storage,
    clock,
    random: seededRandom(7),
    logger: logs,
    defaults: opts.defaults,
    pollIntervalMs: opts.pollIntervalMs ?? 0,
  });
  if (opts.start !== false) await engine.start();
  const reach: EngineFixture["reach"] = (id, status, boundMs = 10_000) => {
    const wanted = status === undefined ? ["succeeded", "failed", "dead"] : Array.isArray(status) ? status : [status];
    return within(
      new Promise<DeliveryRecord>((resolve) => {
        const off = engine.subscribe((r) => {
          if (r.id === id && wanted.includes(r.status)) {
            off();
            resolve(r);
          }
        });
        // It may already be there.
        void storage.deliveries.get(id).then((r) => {
          if (r && wanted.includes(r.status)) {
            off();
            resolve(r);
          }
        });
      }),
      boundMs,
      `delivery ${id} to reach ${wanted.join("|")}`,
    );
  };
  const until: EngineFixture["until"] = (pred, boundMs = 10_000) =>
    within(
      new Promise<DeliveryRecord>((resolve) => {
        const off = engine.subscribe((r) => {
          if (pred(r)) {
            off();
            resolve(r);
          }
        });
      }),
      boundMs,
      "a matching delivery change",
    );
  return { engine, storage, clock, logs, reach, until };
}

/** Bounds a test wait in real time (never a sleep: it only fails a hanging test). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = systemClock.setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    p.then(
      (v) => {
        systemClock.clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        systemClock.clearTimeout(t);
        reject(e);
      },
    );
  });
}
