/**
 * Enforces a run's memory limit. QuickJS's own limit (`setMemoryLimit`) only refuses single
 * allocations larger than the limit in this WASM build: without `malloc_usable_size` its byte
 * counter never grows (quickjs-emscripten issue #271). So the interrupt handler asks this guard,
 * which measures the heap exactly (`computeMemoryUsage` walks it) at an interval that adapts to
 * what a walk costs, and checks WASM memory growth, which is free to read, in between.
 * Overshoot is bounded by what a script can allocate within one interval.
 */
import type { QuickJSContext, QuickJSRuntime } from "quickjs-emscripten";

/** Shortest time between two exact measurements. */
const MIN_INTERVAL_MS = 20;
/** Measurements may take at most 1/INTERVAL_FACTOR of the run's time. */
const INTERVAL_FACTOR = 20;

export class MemoryGuard {
  private nextCheckAt: number;
  private wasmMark: number;

  constructor(
    private readonly rt: QuickJSRuntime,
    private readonly ctx: QuickJSContext,
    private readonly limitBytes: number,
    private readonly wasmBytes: () => number,
    private readonly monotonic: () => number,
  ) {
    this.nextCheckAt = monotonic() + MIN_INTERVAL_MS;
    this.wasmMark = wasmBytes();
  }

  /** True when the run uses more than its limit. Called from the interrupt handler. */
  exceeded(now: number): boolean {
    // Linear memory grew by more than the limit since the last look: measure right away.
    const grown = this.wasmBytes() - this.wasmMark > this.limitBytes;
    if (!grown && now < this.nextCheckAt) return false;
    const used = this.measure();
    const cost = this.monotonic() - now;
    this.nextCheckAt = this.monotonic() + Math.max(MIN_INTERVAL_MS, cost * INTERVAL_FACTOR);
    this.wasmMark = this.wasmBytes();
    return used > this.limitBytes;
  }

  /** Bytes the runtime's objects, strings, atoms and shapes use now. */
  measure(): number {
    const usage = this.rt.computeMemoryUsage();
    try {
      const used = this.ctx.getProp(usage, "memory_used_size");
      const n = this.ctx.getNumber(used);
      used.dispose();
      return n;
    } finally {
      usage.dispose();
    }
  }
}
