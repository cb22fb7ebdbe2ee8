import { afterAll, beforeAll } from "vitest";
import { systemClock } from "../../core/clock.js";
import { memoryLogger } from "../../core/logger.js";
import { systemRandom, type Random } from "../../core/random.js";
import { createMemoryStorage } from "../../storage/memory/memory-storage.js";
import type { Storage } from "../../storage/ports.js";
import { createDeliveryEngine, type MockForgeDeliveryEngine } from "../index.js";
import { startReceiver, type Receiver, type ReceiverHandler } from "./receiver.js";

/** A real delivery engine and a real receiver, shared by the tests of one file. */
export interface LiveDelivery {
  readonly storage: Storage;
  /** Set once the file's tests start (in the beforeAll this registers). */
  engine: MockForgeDeliveryEngine;
  receiver: Receiver;
}

export interface LiveDeliveryOptions {
  random?: Random;
  /** The engine's default retry.max_attempts (the engine's own default when left out). */
  maxAttempts?: number;
  /** How the receiver answers (200 `{}` when left out). */
  handler?: ReceiverHandler;
}

/**
 * Starts a delivery engine (system clock, memory storage, no polling) and a receiver in a
 * beforeAll, and stops them in an afterAll. Call it at the top of a test file: hooks the file
 * registers later run after this start and before this stop, so they can use both.
 */
export function useLiveDelivery(opts: LiveDeliveryOptions = {}): LiveDelivery {
  const live = { storage: createMemoryStorage() } as LiveDelivery;
  beforeAll(async () => {
    live.receiver = await startReceiver(opts.handler);
    live.engine = createDeliveryEngine({
      storage: live.storage,
      clock: systemClock,
      random: opts.random ?? systemRandom,
      logger: memoryLogger(),
      pollIntervalMs: 0,
      ...(opts.maxAttempts !== undefined ? { defaults: { retry: { max_attempts: opts.maxAttempts } } } : {}),
    });
    await live.engine.start();
  });
  afterAll(async () => {
    await live.engine?.stop();
    await live.receiver?.close();
    await live.storage.close();
  });
  return live;
}
