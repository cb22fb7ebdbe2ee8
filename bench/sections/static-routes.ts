import { join } from "node:path";
import { load, ratio, type LoadResult } from "../lib/load.js";
import { freePort, peakRssMiB, startChild, startMockForge } from "../lib/processes.js";
import { median } from "./bench-stats.js";

const ROUNDS = 7;

/**
 * Issue 2: a static JSON route and a templated echo route, each against a bare node:http
 * server answering the same bytes, 50 connections, journal on (SQLite). On a 2-core machine
 * shared with the load generator, one measurement swings by tens of percent, so the two
 * servers are measured alternately over several rounds and the median of the per-round
 * ratios is reported, with every round's figures.
 */
export async function staticRoutes(tmp: string, seconds: number): Promise<Record<string, unknown>> {
  const port = await freePort();
  const bare = await startChild(process.execPath, ["bench/servers/bare-static.mjs", String(port)], /READY/);
  const mf = await startMockForge("bench/configs/static.yaml", join(tmp, "static.db"));
  const echoBody = JSON.stringify({ order: { id: "ord_1", items: [{ sku: "a", qty: 2 }] } });
  const json = { "content-type": "application/json" };
  const bareUrl = `http://127.0.0.1:${port}`;
  try {
    // Warm both up (JIT, connection handling) before measuring.
    await load(`${bareUrl}/static`, { connections: 50, seconds: 1 });
    await load(`${mf.url}/static`, { connections: 50, seconds: 1 });
    const pair = async (path: string, post: boolean, target: number) => {
      const opts = post ? { connections: 50, seconds, method: "POST", body: echoBody, headers: json } : { connections: 50, seconds };
      const rounds: { bare: LoadResult; mockforge: LoadResult }[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        // Who goes first alternates, so a machine that speeds up or slows down over a round
        // does not favour one side.
        let b: LoadResult, m: LoadResult;
        if (i % 2 === 0) {
          b = await load(`${bareUrl}${path}`, opts);
          m = await load(`${mf.url}${path}`, opts);
        } else {
          m = await load(`${mf.url}${path}`, opts);
          b = await load(`${bareUrl}${path}`, opts);
        }
        rounds.push({ bare: b, mockforge: m });
      }
      const ratioMedian = median(rounds.map((r) => r.mockforge.rps / r.bare.rps))!;
      return {
        ratio_median: ratio(ratioMedian, 1),
        target: `>= ${target}`,
        met: ratioMedian >= target,
        rounds: rounds.map((r) => ({ bare_rps: Math.round(r.bare.rps), mockforge_rps: Math.round(r.mockforge.rps), ratio: ratio(r.mockforge.rps, r.bare.rps) })),
        mockforge_p99_ms: median(rounds.map((r) => r.mockforge.p99)),
        bare_p99_ms: median(rounds.map((r) => r.bare.p99)),
        errors: rounds.reduce((n, r) => n + r.mockforge.errors + r.mockforge.non2xx, 0),
      };
    };
    return {
      static: await pair("/static", false, 0.85),
      templated_echo: await pair("/echo", true, 0.7),
      mockforge_peak_rss_mib: peakRssMiB(mf.proc.pid),
    };
  } finally {
    await mf.stop();
    await bare.stop();
  }
}
