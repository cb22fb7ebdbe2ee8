import { join } from "node:path";
import { load, ratio, type LoadResult } from "../lib/load.js";
import { freePort, peakRssMiB, startChild, startMockForge } from "../lib/processes.js";
import { median } from "./bench-stats.js";

const ROUNDS = 7;

/**
 * Issue 2: a static JSON route and a templated echo route, each against a bare node:http
 * server answering the same bytes, 50 connections, journal on (SQLite). On a 2-core machine
 * shared with the load generator, one measurement swings by tens of percent, so the servers
 * are measured in turn over several rounds and the median of the per-round ratios is
 * reported, with every round's figures.
 *
 * The static route is also served by a MockForge with its state in memory (`--ephemeral`,
 * how CI suites often run it), in the same rounds. It has no target of its own; it is here
 * because the memory journal once cost that setup a fifth of its throughput unnoticed.
 */
export async function staticRoutes(tmp: string, seconds: number): Promise<Record<string, unknown>> {
  const port = await freePort();
  const bare = await startChild(process.execPath, ["bench/servers/bare-static.mjs", String(port)], /READY/);
  const mf = await startMockForge("bench/configs/static.yaml", join(tmp, "static.db"));
  const ephemeral = await startMockForge("bench/configs/static.yaml", null);
  const echoBody = JSON.stringify({ order: { id: "ord_1", items: [{ sku: "a", qty: 2 }] } });
  const json = { "content-type": "application/json" };
  const bareUrl = `http://127.0.0.1:${port}`;
  try {
    // Warm every server up (JIT, connection handling) on both routes with the same number of
    // requests before measuring: the echo route was measured cold in the first round before.
    for (const url of [bareUrl, mf.url, ephemeral.url]) {
      await load(`${url}/static`, { connections: 50, seconds: 30, amount: 10_000 });
      await load(`${url}/echo`, { connections: 50, seconds: 30, amount: 10_000, method: "POST", body: echoBody, headers: json });
    }
    const pair = async (path: string, post: boolean, target: number, alsoEphemeral: boolean) => {
      const opts = post ? { connections: 50, seconds, method: "POST", body: echoBody, headers: json } : { connections: 50, seconds };
      const servers = [bareUrl, mf.url, ...(alsoEphemeral ? [ephemeral.url] : [])];
      const rounds: LoadResult[][] = [];
      for (let i = 0; i < ROUNDS; i++) {
        // Who goes first rotates, so a machine that speeds up or slows down over a round does
        // not favour one side.
        const round: LoadResult[] = [];
        for (let k = 0; k < servers.length; k++) {
          const s = (i + k) % servers.length;
          round[s] = await load(`${servers[s]}${path}`, opts);
        }
        rounds.push(round);
      }
      const ratioMedian = (s: number) => median(rounds.map((r) => r[s]!.rps / r[0]!.rps))!;
      return {
        ratio_median: ratio(ratioMedian(1), 1),
        target: `>= ${target}`,
        met: ratioMedian(1) >= target,
        rounds: rounds.map(([b, m, e]) => ({
          bare_rps: Math.round(b!.rps),
          mockforge_rps: Math.round(m!.rps),
          ratio: ratio(m!.rps, b!.rps),
          ...(e ? { ephemeral_rps: Math.round(e.rps), ephemeral_ratio: ratio(e.rps, b!.rps) } : {}),
        })),
        ...(alsoEphemeral ? { ephemeral_ratio_median: ratio(ratioMedian(2), 1) } : {}),
        mockforge_p99_ms: median(rounds.map((r) => r[1]!.p99)),
        bare_p99_ms: median(rounds.map((r) => r[0]!.p99)),
        errors: rounds.reduce((n, r) => n + r.slice(1).reduce((k, x) => k + x.errors + x.non2xx, 0), 0),
      };
    };
    return {
      static: await pair("/static", false, 0.85, true),
      templated_echo: await pair("/echo", true, 0.7, false),
      mockforge_peak_rss_mib: peakRssMiB(mf.proc.pid),
    };
  } finally {
    await ephemeral.stop();
    await mf.stop();
    await bare.stop();
  }
}
