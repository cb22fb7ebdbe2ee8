import { join } from "node:path";
import { routeSchema } from "../../src/config/schema/routes.js";
import { RouteTable } from "../../src/engine/route-table.js";
import { writeScaleConfig } from "../lib/scale-config.js";
import { runCli, timeToFirst200, type ChildCost } from "../lib/timed-child.js";
import { median, quantile, round } from "./bench-stats.js";

/** Start to first 200 of `serve --ephemeral` on a config of `n` routes, `runs` times. */
async function startWith(tmp: string, n: number, runs: number, targetMs: number): Promise<Record<string, unknown>> {
  const file = join(tmp, `scale-${n}.yaml`);
  const bytes = writeScaleConfig(file, n);
  const costs: ChildCost[] = [];
  for (let i = 0; i < runs; i++) costs.push(await timeToFirst200(["--config", file, "--ephemeral"], "/__mockforge/health", Math.max(60_000, targetMs * 20)));
  const wall = median(costs.map((c) => c.wallMs));
  const failed = costs.find((c) => Number.isNaN(c.wallMs));
  return {
    routes: n,
    file_mib: round(bytes / 2 ** 20, 1),
    runs,
    start_to_first_200_ms_median: round(wall, 0),
    cpu_ms_median: round(median(costs.map((c) => c.cpuMs ?? Number.NaN)), 0),
    peak_rss_mib: Math.max(...costs.map((c) => c.peakRssMiB ?? 0)),
    target: `<= ${targetMs} ms`,
    met: !failed && wall !== null && wall <= targetMs,
    ...(failed ? { error: `never answered 200 (exit ${failed.exitCode}): ${failed.output.slice(0, 300)}` } : {}),
  };
}

/** `mockforge validate` of a config of about 50 MB: time, CPU and peak RSS. */
async function validateLarge(tmp: string): Promise<Record<string, unknown>> {
  const file = join(tmp, "scale-50mb.yaml");
  const bytes = writeScaleConfig(file, 100_000, 440);
  const c = await runCli(["validate", file], 120_000);
  const ok = c.exitCode === 0;
  return {
    file_mib: round(bytes / 2 ** 20, 1),
    routes: 100_000,
    wall_ms: round(c.wallMs, 0),
    cpu_ms: c.cpuMs,
    peak_rss_mib: c.peakRssMiB,
    target: "<= 10000 ms and <= 1024 MiB",
    met: ok && c.wallMs <= 10_000 && (c.peakRssMiB ?? 0) <= 1024,
    ...(ok ? {} : { error: `exit ${c.exitCode}: ${c.output.slice(0, 300)}` }),
  };
}

/** In-process: what the 404 body's "closest routes" costs with 10k routes, per distinct miss. */
function notFoundCost(): Record<string, unknown> {
  const routes = Array.from({ length: 10_000 }, (_, i) =>
    routeSchema.parse({ id: `r${i}`, method: ["GET", "POST", "PUT", "DELETE"][i % 4], path: i % 3 === 0 ? `/api/v${i % 7}/res${i}/:id` : `/api/v${i % 7}/res${i}/items` }),
  );
  const table = new RouteTable(routes);
  const miss = (i: number) => `/api/v${i % 7}/res${(i * 7919) % 10_000}/itemz${i % 3 ? "" : "/extra"}`;
  table.closestTo("GET", miss(0)); // builds the index once, as the first 404 of a server does
  const times: number[] = [];
  for (let i = 1; i <= 500; i++) {
    const t0 = performance.now();
    table.closestTo("GET", miss(i));
    times.push(performance.now() - t0);
  }
  const p50 = median(times)!;
  return {
    routes: 10_000,
    misses: times.length,
    closest_routes_ms_median: round(p50, 3),
    closest_routes_ms_p99: round(quantile(times, 0.99), 3),
    target: "<= 1 ms",
    met: p50 <= 1,
  };
}

/**
 * Issue 20, item 5: configs of many routes. Start to first 200 with 20k and 100k routes,
 * `validate` of a 50 MB config, and a 404's "closest routes" among 10k routes. No load
 * generator: wall times are reported beside the child's CPU time, which moves less when the
 * machine is busy with other work.
 */
export async function configScale(tmp: string, _seconds: number): Promise<Record<string, unknown>> {
  return {
    not_found_10k_routes: notFoundCost(),
    start_20k_routes: await startWith(tmp, 20_000, 3, 1_000),
    start_100k_routes: await startWith(tmp, 100_000, 1, 5_000),
    validate_50mb: await validateLarge(tmp),
  };
}
