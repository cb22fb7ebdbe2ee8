/**
 * The services `Hook.execute` falls back to when neither the call nor the context brings any:
 * one process-wide delivery engine over in-memory storage, created on first use. It makes the
 * seed's programmatic snippet work with no server running. This is the one place scenarios/
 * reaches into storage/ (the memory backend), and only to build this fallback.
 */
import { systemClock } from "../core/clock.js";
import { silentLogger } from "../core/logger.js";
import { systemRandom } from "../core/random.js";
import { createDeliveryEngine, type MockForgeDeliveryEngine } from "../delivery/index.js";
import { createMemoryStorage } from "../storage/memory/memory-storage.js";
import type { HookServices } from "./hook-services.js";

export interface StandaloneHookServices extends HookServices {
  deliveries: MockForgeDeliveryEngine;
}

let standalone: Promise<StandaloneHookServices> | null = null;

/**
 * The fallback services, started on first call and shared afterwards. Queued deliveries are
 * held in memory: `await (await defaultHookServices()).deliveries.drain(5000)` before the
 * process exits if it must not lose any.
 *
 * @example
 * const { deliveries } = await defaultHookServices();
 * await deliveries.waitFor({ url: "/orders" }, 1, 5000);
 */
export function defaultHookServices(): Promise<StandaloneHookServices> {
  standalone ??= (async () => {
    const storage = createMemoryStorage();
    const deliveries = createDeliveryEngine({ storage, clock: systemClock, random: systemRandom, logger: silentLogger, pollIntervalMs: 0 });
    await deliveries.start();
    return { deliveries, clock: systemClock, random: systemRandom, logger: silentLogger, env: process.env };
  })();
  return standalone;
}

/** Stops the fallback engine (if it was ever started) so a test or script can end cleanly. */
export async function closeDefaultHookServices(): Promise<void> {
  const s = standalone;
  standalone = null;
  if (s) await (await s).deliveries.stop();
}
