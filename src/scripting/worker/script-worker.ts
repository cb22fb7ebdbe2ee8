/**
 * Entry point of a script worker thread. Loads the QuickJS WASM module once (each run then
 * gets a fresh runtime and context from it) and serves runs posted by `ScriptWorkerSlot`.
 */
import { parentPort, workerData } from "node:worker_threads";
import { systemClock } from "../../core/clock.js";
import type { FromWorkerMessage, ScriptWorkerData, ToWorkerMessage } from "../worker-protocol.js";
import { loadSandboxModule } from "./load-sandbox-module.js";
import { SandboxRun, type SandboxRunHooks } from "./sandbox-run.js";

if (!parentPort) throw new Error("script-worker must run in a worker thread");
const port = parentPort;

/**
 * Past this much WASM memory the worker asks to be replaced: linear memory never shrinks,
 * so one run with a large memory limit would otherwise keep its peak for good.
 */
const RETIRE_WASM_BYTES = 512 * 1024 * 1024;

const sandbox = await loadSandboxModule();
const cancelFlag = new Int32Array((workerData as ScriptWorkerData).cancelFlag);
const runs = new Map<number, SandboxRun>();

const send = (m: FromWorkerMessage) => port.postMessage(m);

const hooks: SandboxRunHooks = {
  sendHttp: (runId, callId, call) => send({ type: "http", runId, callId, call }),
  done(runId, outcome, retire) {
    runs.delete(runId);
    const bloated = sandbox.wasmBytes() > RETIRE_WASM_BYTES;
    send({ type: "done", runId, outcome, retire: retire || bloated });
  },
  cancelRequested: (runId) => Atomics.load(cancelFlag, 0) === runId,
};

port.on("message", (msg: ToWorkerMessage) => {
  switch (msg.type) {
    case "run": {
      const run = new SandboxRun(sandbox, msg, hooks, systemClock);
      runs.set(msg.runId, run);
      run.start();
      break;
    }
    case "http-reply":
      runs.get(msg.runId)?.httpReply(msg);
      break;
    case "cancel":
      runs.get(msg.runId)?.cancel();
      break;
    default: {
      const never: never = msg;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
});

send({ type: "ready" });
