/**
 * The one clock. Nothing outside this file calls `Date.now()`, `setTimeout` or
 * `performance.now()` directly: code takes a `Clock`, so tests drive time with
 * `ManualClock` instead of sleeping.
 */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Wall time, epoch milliseconds. */
  now(): number;
  /** Monotonic milliseconds with sub-millisecond precision, for measuring durations. */
  monotonic(): number;
  /**
   * Runs `fn` after `ms`. The timer keeps the process alive, because someone is waiting on it (a
   * retry delay in `chain run` that did not was exit 13 mid-run). Pass `background: true` only for
   * housekeeping that nobody awaits (a poll, a flush) and that `stop()`/`close()` clears anyway.
   */
  setTimeout(fn: () => void, ms: number, opts?: TimerOptions): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  /** Resolves after `ms`; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface TimerOptions {
  /** Housekeeping nobody awaits: the timer does not keep the process alive by itself. */
  background?: boolean;
}

let nextId = 1;

/** The real clock. Only `background` timers are unref'd (see `Clock.setTimeout`). */
export function createSystemClock(): Clock {
  const timers = new Map<number, NodeJS.Timeout>();
  const clock: Clock = {
    now: () => Date.now(),
    monotonic: () => performance.now(),
    setTimeout(fn, ms, opts) {
      const id = nextId++;
      const t = setTimeout(() => {
        timers.delete(id);
        fn();
      }, Math.max(0, ms));
      if (opts?.background) t.unref();
      timers.set(id, t);
      return { id };
    },
    clearTimeout(handle) {
      if (!handle) return;
      const t = timers.get(handle.id);
      if (t) clearTimeout(t);
      timers.delete(handle.id);
    },
    sleep: (ms, signal) => sleepOn(clock, ms, signal),
  };
  return clock;
}

export const systemClock: Clock = createSystemClock();

/**
 * A clock that only moves when told to. `advance(ms)` fires due timers in time order and
 * lets promise callbacks run between them, so code awaiting `sleep` continues as it would.
 *
 * @example
 * const clock = new ManualClock(0);
 * const done = clock.sleep(1000);
 * await clock.advance(1000); // done is now resolved
 */
export class ManualClock implements Clock {
  private current: number;
  private mono = 0;
  private timers: { id: number; at: number; fn: () => void }[] = [];

  constructor(start = Date.UTC(2026, 10, 29, 8, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  monotonic(): number {
    return this.mono;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = nextId++;
    this.timers.push({ id, at: this.current + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    this.timers = this.timers.filter((t) => t.id !== handle.id);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Number of timers waiting to fire. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await flushMicrotasks();
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.mono += next.at - this.current;
      this.current = next.at;
      next.fn();
      await flushMicrotasks();
    }
    this.mono += target - this.current;
    this.current = target;
    await flushMicrotasks();
  }
}

function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Lets pending promise callbacks (and I/O callbacks already queued) run. */
async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise<void>((r) => setImmediate(r));
}
