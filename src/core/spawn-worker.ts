import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * Starts a worker thread on the module `name` that sits beside `callerUrl` (pass
 * `import.meta.url`): the compiled `name.js` when the caller runs from `dist/`, or `name.ts`
 * when MockForge runs from its TypeScript sources (tsx, vitest). Worker threads do not
 * inherit tsx's loader, so in that case a tiny bootstrap registers tsx inside the worker
 * before importing the entry.
 */
export function spawnWorker(callerUrl: string, name: string, options: WorkerOptions): Worker {
  const fromSource = callerUrl.endsWith(".ts");
  if (!fromSource) return new Worker(new URL(`./${name}.js`, callerUrl), options);
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
