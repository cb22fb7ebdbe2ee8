/**
 * The services a programmatic `Hook` falls back to when neither the call nor the context brings
 * any: one process-wide delivery engine over in-memory storage, created on first use, so the
 * seed's snippet (`await hook.execute(context)`) works with no server running. Choosing a
 * storage backend is wiring, so this lives beside the composition root: `scenarios/` never
 * imports a storage adapter.
 */
import { systemClock } from "./core/clock.js";
import { createEnvAccess, type EnvRecord } from "./core/env-access.js";
import { envNamesIn } from "./core/env-names.js";
import { silentLogger } from "./core/logger.js";
import { systemRandom } from "./core/random.js";
import { createDeliveryEngine, type MockForgeDeliveryEngine } from "./delivery/index.js";
import { Hook as BoundHook, type HookServices } from "./scenarios/index.js";
import { createMemoryStorage } from "./storage/memory/memory-storage.js";

interface StandaloneHookServices extends HookServices {
  deliveries: MockForgeDeliveryEngine;
}

// Process-wide on purpose: the public API (`closeDefaultHookServices()`, README step 7) promises
// one shared engine that hooks run without services queue into, closed once before exit.
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
    // No config here, so no allowlist: a hook reads the names it writes (`hookEnv`).
    return { deliveries, clock: systemClock, random: systemRandom, logger: silentLogger, env: {} };
  })();
  return standalone;
}

/** Stops the fallback engine (if it was ever started) so a test or script can end cleanly. */
export async function closeDefaultHookServices(): Promise<void> {
  const s = standalone;
  standalone = null;
  if (s) await (await s).deliveries.stop();
}

/**
 * The environment a hook run on the fallback services reads: the names its own definition
 * writes as `env.NAME` (its code is its config; docs/security.md), nothing else.
 *
 * @example
 * hookEnv({ actions: [{ type: "http_request", headers: { Authorization: "Bearer {{env.WEBHOOK_TOKEN}}" } }] }) // { WEBHOOK_TOKEN: "…" }
 */
export function hookEnv(definition: unknown): EnvRecord {
  return createEnvAccess(process.env, { allowlist: [], fileNames: envNamesIn(definition) }).file;
}

/**
 * The public `Hook`: `execute(context, services?)` uses, in order, the `services` argument,
 * `context.services` (e.g. a started server's), or `defaultHookServices()`, where `env.NAME`
 * reads only the names the hook's definition writes (docs/security.md).
 *
 * @example
 * const hook = new Hook({ name: "order_webhook", actions: [HookAction.HttpRequest({ url: "https://webhook.example.com/orders", method: "POST" })] });
 * await hook.execute(new ExecutionContext());
 * await closeDefaultHookServices();
 */
export class Hook extends BoundHook {
  protected override async fallbackServices(): Promise<HookServices> {
    return { ...(await defaultHookServices()), env: hookEnv({ actions: this.actions, condition: this.condition }) };
  }
}
