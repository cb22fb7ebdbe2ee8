/**
 * Starts a script worker thread from compiled JS (`dist/scripting/worker/script-worker.js`)
 * or, when MockForge itself runs from its TypeScript sources (tsx, vitest), from
 * `script-worker.ts`. Worker threads do not inherit tsx's loader, so in that case a tiny
 * bootstrap registers tsx inside the worker before importing the entry.
 */
import { Worker } from "node:worker_threads";
import { WORKER_STACK_MB } from "./script-limits.js";
import type { ScriptWorkerData } from "./worker-protocol.js";

export function spawnScriptWorker(data: ScriptWorkerData): Worker {
  const options = { workerData: data, resourceLimits: { stackSizeMb: WORKER_STACK_MB } };
  const fromSource = import.meta.url.endsWith(".ts");
  if (!fromSource) return new Worker(new URL("./worker/script-worker.js", import.meta.url), options);
  const entry = new URL("./worker/script-worker.ts", import.meta.url).href;
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
