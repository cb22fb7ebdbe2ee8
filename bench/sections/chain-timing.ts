import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { median, quantile, round } from "./bench-stats.js";
import { freePort, startChild, startMockForge, type Child } from "../lib/processes.js";

/** The parts of a ChainRun (src/chains/chain-run.ts) this section reads. */
interface RunView {
  status: string;
  durationMs: number;
  links: { id: string; status: string; durationMs: number | null; deliveryId: string | null }[];
}

interface DeliveryView {
  attempts: { durationMs: number }[];
}

const json = { "content-type": "application/json" };

async function execute(url: string, chainId: string): Promise<{ run: RunView; clientMs: number }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/__mockforge/chains/${chainId}/execute`, { method: "POST", headers: json, body: "{}", signal: AbortSignal.timeout(60_000) });
  const run = (await res.json()) as RunView;
  const clientMs = performance.now() - t0;
  if (res.status !== 200 || run.status !== "succeeded") throw new Error(`chain '${chainId}' did not succeed (HTTP ${res.status}): ${JSON.stringify(run).slice(0, 500)}`);
  return { run, clientMs };
}

/** Sum of the durations of every HTTP attempt of a run's links, read from the delivery store. */
async function attemptMs(url: string, run: RunView): Promise<number> {
  let sum = 0;
  for (const link of run.links) {
    if (!link.deliveryId) throw new Error(`link '${link.id}' has no delivery id`);
    const d = (await (await fetch(`${url}/__mockforge/deliveries/${link.deliveryId}`, { signal: AbortSignal.timeout(10_000) })).json()) as DeliveryView;
    for (const a of d.attempts) sum += a.durationMs;
  }
  return sum;
}

/** `mockforge serve --ephemeral` (memory storage): shows how much of the overhead is the state file. */
async function startEphemeral(config: string): Promise<Child & { url: string }> {
  const port = await freePort();
  const child = await startChild(process.execPath, ["bin/mockforge.js", "serve", "--config", config, "--port", String(port), "--ephemeral"], /MockForge serving/, { MOCKFORGE_LOG_LEVEL: "info" });
  return { ...child, url: `http://127.0.0.1:${port}` };
}

interface LinearFigures {
  totals: number[];
  httpSums: number[];
  overheads: number[];
  insideLinks: number[];
}

/** Runs the 50-link chain `runs` times; overhead per link = (run total − HTTP attempt time) / 50. */
async function measureLinear(url: string, runs: number): Promise<LinearFigures> {
  const f: LinearFigures = { totals: [], httpSums: [], overheads: [], insideLinks: [] };
  for (let i = 0; i < runs; i++) {
    const { run } = await execute(url, "linear50");
    const http = await attemptMs(url, run);
    f.totals.push(run.durationMs);
    f.httpSums.push(http);
    f.overheads.push((run.durationMs - http) / 50);
    // Split of the overhead: inside a link (render, delivery records) vs between links (scheduling, run records).
    const linkSum = run.links.reduce((s, l) => s + (l.durationMs ?? 0), 0);
    f.insideLinks.push((linkSum - http) / 50);
  }
  return f;
}

function linearChain(target: string, n: number): string {
  const links = Array.from({ length: n }, (_, i) => {
    const dep = i === 0 ? "" : `\n        depends_on: [l${i - 1}]`;
    return `      - request: { id: l${i}, method: GET, url: "${target}/static" }${dep}`;
  });
  return `  - id: linear50\n    links:\n${links.join("\n")}\n`;
}

/**
 * Issue 4, through the admin execute endpoint of a MockForge server (the "runner"); the links call
 * a second MockForge server (the "target") so the runner's event loop only runs the executor.
 * Parallel: 3 branches to a `delay_ms: 200` route, then a join link; wall time (the run's
 * `durationMs`) against the critical path (200 ms + the join link's own duration). Linear: 50
 * links in a row to a static route; executor overhead per link = (run total − sum of the HTTP
 * attempt durations recorded for the links' deliveries) / 50.
 */
export async function chainTiming(tmp: string, seconds: number): Promise<Record<string, unknown>> {
  const targetCfg = join(tmp, "chain-target.yaml");
  writeFileSync(
    targetCfg,
    `routes:
  - { path: /slow/:branch, method: GET, response: { status: 200, body: { slow: true }, delay_ms: 200 } }
  - { path: /static, method: GET, response: { status: 200, body: { id: "ord_1", status: "created" } } }
`,
  );
  const target = await startMockForge(targetCfg, join(tmp, "chain-target.db"));
  const runnerCfg = join(tmp, "chain-runner.yaml");
  const slow = (b: string) => `      - request: { id: ${b}, method: GET, url: "${target.url}/slow/${b}" }`;
  writeFileSync(
    runnerCfg,
    `chains:
  - id: fanout
    links:
${["a", "b", "c"].map(slow).join("\n")}
      - request: { id: join, method: GET, url: "${target.url}/static" }
        depends_on: [a, b, c]
${linearChain(target.url, 50)}`,
  );
  const runner = await startMockForge(runnerCfg, join(tmp, "chain-runner.db"));
  const parallelRuns = Math.max(5, 2 * seconds + 1);
  const linearRuns = Math.max(3, seconds);
  try {
    // Warm-up: JIT, connection pools, SQLite pages.
    await execute(runner.url, "fanout");
    await execute(runner.url, "linear50");

    const ratios: number[] = [];
    const walls: number[] = [];
    const criticals: number[] = [];
    const clients: number[] = [];
    for (let i = 0; i < parallelRuns; i++) {
      const { run, clientMs } = await execute(runner.url, "fanout");
      const join = run.links.find((l) => l.id === "join")!;
      const critical = 200 + (join.durationMs ?? 0);
      walls.push(run.durationMs);
      criticals.push(critical);
      ratios.push(run.durationMs / critical);
      clients.push(clientMs);
    }

    const linear = await measureLinear(runner.url, linearRuns);
    await runner.stop();
    const ephemeral = await startEphemeral(runnerCfg);
    let memory: LinearFigures;
    try {
      await execute(ephemeral.url, "linear50");
      memory = await measureLinear(ephemeral.url, linearRuns);
    } finally {
      await ephemeral.stop();
    }
    const overheadMedian = median(linear.overheads)!;
    const ratioMedian = median(ratios)!;
    return {
      method: "admin endpoint POST /__mockforge/chains/<id>/execute on a runner MockForge; links call a separate target MockForge (both child processes)",
      parallel_3x200ms_plus_join: {
        runs: parallelRuns,
        wall_ms_median: round(median(walls)),
        critical_path_ms_median: round(median(criticals)),
        ratio_median: round(ratioMedian, 3),
        ratio_max: round(Math.max(...ratios), 3),
        target: "<= 1.15",
        met: ratioMedian <= 1.15,
        client_round_trip_ms_median: round(median(clients)),
      },
      linear_50_links: {
        runs: linearRuns,
        run_total_ms_median: round(median(linear.totals)),
        http_attempts_ms_median: round(median(linear.httpSums)),
        overhead_per_link_ms_median: round(overheadMedian, 3),
        overhead_per_link_ms_max: round(quantile(linear.overheads, 1), 3),
        of_which_inside_link_outside_http_ms: round(median(linear.insideLinks), 3),
        of_which_between_links_ms: round(overheadMedian - median(linear.insideLinks)!, 3),
        target: "<= 0.5 ms",
        met: overheadMedian <= 0.5,
      },
      linear_50_links_memory_storage: {
        note: "diagnostic, not a target: the same chain on a runner started with --ephemeral (no SQLite state file)",
        runs: linearRuns,
        overhead_per_link_ms_median: round(median(memory.overheads), 3),
        of_which_inside_link_outside_http_ms: round(median(memory.insideLinks), 3),
      },
    };
  } finally {
    await runner.stop();
    await target.stop();
  }
}
