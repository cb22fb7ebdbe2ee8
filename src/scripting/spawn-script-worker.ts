import type { Worker } from "node:worker_threads";
import { spawnWorker } from "../core/spawn-worker.js";
import { WORKER_STACK_MB } from "./script-limits.js";
import type { ScriptWorkerData } from "./worker-protocol.js";

/** Starts a script worker thread (`worker/script-worker`), with the stack size scripts are allowed. */
export function spawnScriptWorker(data: ScriptWorkerData): Worker {
  return spawnWorker(import.meta.url, "worker/script-worker", { workerData: data, resourceLimits: { stackSizeMb: WORKER_STACK_MB } });
}
