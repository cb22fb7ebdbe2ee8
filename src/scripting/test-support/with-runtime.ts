import { systemClock } from "../../core/clock.js";
import { ScriptRuntime, type ScriptRuntimeOptions } from "../script-runtime.js";

/** Runs `fn` with a ScriptRuntime on the system clock (worker threads run in real time), closed after, whatever `fn` does. */
export async function withRuntime(options: Omit<ScriptRuntimeOptions, "clock">, fn: (runtime: ScriptRuntime) => Promise<void>): Promise<void> {
  const runtime = new ScriptRuntime({ clock: systemClock, ...options });
  try {
    await fn(runtime);
  } finally {
    await runtime.close();
  }
}
