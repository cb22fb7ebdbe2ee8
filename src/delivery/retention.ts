/**
 * Keeps the outbox bounded: finished deliveries beyond `keep` are pruned now and then
 * (every `keep / 10` finishes, at least 50 and at most 1,000), never on every delivery.
 */
import type { Logger } from "../core/logger.js";
import type { DeliveryStore } from "../storage/ports.js";

export interface Retention {
  /** Counts one finished delivery; prunes in the background when enough have finished. */
  finished(): void;
  /** Prunes now (in the background). */
  prune(): void;
  /** Resolves when a running prune is done. */
  settle(): Promise<void>;
}

/** @example const r = createRetention({ store, logger, keep: 10_000 }); r.finished(); */
export function createRetention(o: { store: DeliveryStore; logger: Logger; keep: number }): Retention {
  const every = Math.max(50, Math.min(1000, Math.ceil(o.keep / 10)));
  let sinceLast = 0;
  let running: Promise<void> | null = null;

  function prune(): void {
    sinceLast = 0;
    if (running) return;
    running = o.store
      .prune(o.keep)
      .then((n) => {
        if (n > 0) o.logger.debug({ pruned: n, keep: o.keep }, "pruned finished deliveries");
      })
      .catch((e: unknown) => o.logger.error({ err: e }, "pruning finished deliveries failed"))
      .finally(() => {
        running = null;
      });
  }

  return {
    finished() {
      if (++sinceLast >= every) prune();
    },
    prune,
    settle: async () => {
      await running;
    },
  };
}
