/**
 * `setTimeout`/`clearTimeout` for one run: host timers that keep the script's callback (and
 * its arguments) alive as QuickJS handles until they fire, are cleared, or the run ends.
 */
import type { QuickJSHandle } from "quickjs-emscripten";
import type { Clock, TimerHandle } from "../../core/clock.js";

export interface SandboxTimer {
  fn: QuickJSHandle;
  args: QuickJSHandle[];
}

export class SandboxTimers {
  private readonly timers = new Map<number, SandboxTimer & { handle: TimerHandle }>();
  private nextId = 1;

  constructor(
    private readonly clock: Clock,
    /** Nothing fires after the run's deadline; capping also keeps Node from firing huge delays at once. */
    private readonly maxDelayMs: number,
    /** Called with a due timer, already removed; the callee disposes it with `release`. */
    private readonly onDue: (timer: SandboxTimer) => void,
  ) {}

  get size(): number {
    return this.timers.size;
  }

  /** Takes ownership of the handles; returns the id the script sees. */
  set(fn: QuickJSHandle, args: QuickJSHandle[], ms: number): number {
    const id = this.nextId++;
    const handle = this.clock.setTimeout(() => {
      const t = this.timers.get(id);
      if (!t) return;
      this.timers.delete(id);
      this.onDue(t);
    }, Math.min(ms, this.maxDelayMs));
    this.timers.set(id, { fn, args, handle });
    return id;
  }

  clear(id: number): void {
    const t = this.timers.get(id);
    if (!t) return;
    this.timers.delete(id);
    this.clock.clearTimeout(t.handle);
    release(t);
  }

  /** Stops every timer without touching QuickJS (for when the instance may be damaged). */
  stopAll(): void {
    for (const t of this.timers.values()) this.clock.clearTimeout(t.handle);
  }

  /** Stops every timer and frees its handles. */
  dispose(): void {
    for (const id of [...this.timers.keys()]) this.clear(id);
  }
}

export function release(t: SandboxTimer): void {
  t.fn.dispose();
  for (const a of t.args) a.dispose();
}
