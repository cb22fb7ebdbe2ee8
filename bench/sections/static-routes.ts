import { join } from "node:path";
import { load, ratio } from "../lib/load.js";
import { peakRssMiB, startChild, startMockForge, freePort } from "../lib/processes.js";

/**
 * Issue 2: a static JSON route and a templated echo route, each against a bare node:http
 * server answering the same bytes, 50 connections, journal on (SQLite). Same run, so the
 * ratio is meaningful on a noisy machine.
 */
export async function staticRoutes(tmp: string, seconds: number): Promise<Record<string, unknown>> {
  const port = await freePort();
  const bare = await startChild(process.execPath, ["bench/servers/bare-static.mjs", String(port)], /READY/);
  const mf = await startMockForge("bench/configs/static.yaml", join(tmp, "static.db"));
  const echoBody = JSON.stringify({ order: { id: "ord_1", items: [{ sku: "a", qty: 2 }] } });
  const json = { "content-type": "application/json" };
  try {
    // Warm both up (JIT, connection pools) before measuring.
    await load(`http://127.0.0.1:${port}/static`, { connections: 50, seconds: 1 });
    await load(`${mf.url}/static`, { connections: 50, seconds: 1 });
    const bareStatic = await load(`http://127.0.0.1:${port}/static`, { connections: 50, seconds });
    const mfStatic = await load(`${mf.url}/static`, { connections: 50, seconds });
    const bareEcho = await load(`http://127.0.0.1:${port}/echo`, { connections: 50, seconds, method: "POST", body: echoBody, headers: json });
    const mfEcho = await load(`${mf.url}/echo`, { connections: 50, seconds, method: "POST", body: echoBody, headers: json });
    return {
      static: { bare_rps: Math.round(bareStatic.rps), mockforge_rps: Math.round(mfStatic.rps), ratio: ratio(mfStatic.rps, bareStatic.rps), target: ">= 0.85", mockforge_p99_ms: mfStatic.p99, bare_p99_ms: bareStatic.p99, errors: mfStatic.errors + mfStatic.non2xx },
      templated_echo: { bare_rps: Math.round(bareEcho.rps), mockforge_rps: Math.round(mfEcho.rps), ratio: ratio(mfEcho.rps, bareEcho.rps), target: ">= 0.70", mockforge_p99_ms: mfEcho.p99, errors: mfEcho.errors + mfEcho.non2xx },
      mockforge_peak_rss_mib: peakRssMiB(mf.proc.pid),
    };
  } finally {
    await mf.stop();
    await bare.stop();
  }
}
