/**
 * What a delivery test starts (engines, receivers, clients, stores), stopped after each test,
 * newest first (an engine before the receiver it sends to), by one `afterEach` that `perTest()`
 * registers. Each test file used to declare its own `let receiver; let fx;` and an `afterEach`
 * that closed them, in near-copies that drifted (one forgot the store, one the receiver).
 */
import { afterEach } from "vitest";
import { engineFixture, type EngineFixture } from "./engine-fixture.js";
import { startReceiver, type Receiver, type ReceiverHandler } from "./receiver.js";

export interface PerTest {
  /** `engineFixture(opts)`, its engine stopped after the test (its store is the test's to close: `defer`). */
  engine(opts?: Parameters<typeof engineFixture>[0]): Promise<EngineFixture>;
  /** `startReceiver(handler, port)`, closed after the test. */
  receiver(handler?: ReceiverHandler, port?: number): Promise<Receiver>;
  /** `x` (a store, an HTTP client), closed after the test. */
  closes<T extends { close(): unknown }>(x: T): T;
  /** Anything else to undo after the test (a child process, a folder). */
  defer(undo: () => unknown): void;
}

/** Call once at the top of a test file. */
export function perTest(): PerTest {
  const undo: (() => unknown)[] = [];
  afterEach(async () => {
    for (const fn of undo.splice(0).reverse()) await fn();
  });
  return {
    async engine(opts) {
      const fx = await engineFixture(opts);
      undo.push(() => fx.engine.stop());
      return fx;
    },
    async receiver(handler, port) {
      const r = await startReceiver(handler, port);
      undo.push(() => r.close());
      return r;
    },
    closes(x) {
      undo.push(() => x.close());
      return x;
    },
    defer(fn) {
      undo.push(fn);
    },
  };
}
