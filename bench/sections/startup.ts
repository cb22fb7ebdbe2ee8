import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../lib/processes.js";
import { getStatus, runCli, timeToFirst200 } from "../lib/timed-child.js";
import { median, round } from "./bench-stats.js";

const RUNS = 7;

/**
 * Issue 20 part 4: `serve` of the bundled example to its first 200 (target <= 200 ms), `--help`
 * (<= 150 ms), and the idle RSS of that server (<= 70 MiB; part 3). Floors in the same run,
 * alternating with MockForge: a bare node:http server started the same way, and `node -e 0`.
 * Wall times count from spawn, as a user waits; CPU times are steadier on a shared machine.
 */
export async function startupSection(tmp: string): Promise<Record<string, unknown>> {
  const serve: number[] = [];
  const serveCpu: number[] = [];
  const bare: number[] = [];
  const help: number[] = [];
  const nodeOnly: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c = await timeToFirst200(["--config", "examples/mockforge.yaml", "--state", join(tmp, `startup-${i}.db`)], "/__mockforge/health", 60_000);
    serve.push(c.wallMs);
    if (c.cpuMs !== null) serveCpu.push(c.cpuMs);
    bare.push(await bareFirst200());
    help.push((await runCli(["--help"], 30_000)).wallMs);
    nodeOnly.push(await wallOf(process.execPath, ["-e", "0"]));
  }
  const serveMs = median(serve)!;
  const helpMs = median(help)!;
  const idle = await idleRss(tmp);
  return {
    serve_example_to_first_200_ms_median: round(serveMs, 0),
    serve_cpu_ms_median: round(median(serveCpu), 0),
    bare_node_http_to_first_200_ms_median: round(median(bare), 0),
    serve_target: "<= 200 ms",
    serve_met: serveMs <= 200,
    help_ms_median: round(helpMs, 0),
    node_e_0_ms_median: round(median(nodeOnly), 0),
    help_target: "<= 150 ms",
    help_met: helpMs <= 150,
    idle_rss_mib: idle,
    idle_rss_target: "<= 70 MiB",
    idle_rss_met: idle !== null && idle <= 70,
    runs: RUNS,
  };
}

/** Spawn to first 200 of bench/servers/bare-static.mjs, polled like timeToFirst200 polls MockForge. */
async function bareFirst200(): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, ["bench/servers/bare-static.mjs", String(port)], { stdio: "ignore" });
  try {
    while (performance.now() - t0 < 30_000) {
      if ((await getStatus(port, "/")) === 200) return performance.now() - t0;
      await new Promise((r) => setTimeout(r, 2));
    }
    return Number.NaN;
  } finally {
    child.kill("SIGKILL");
  }
}

async function wallOf(cmd: string, args: string[]): Promise<number> {
  const t0 = performance.now();
  const child = spawn(cmd, args, { stdio: "ignore" });
  await new Promise((r) => child.once("exit", r));
  return performance.now() - t0;
}

/** RSS of the example's server after it has answered once and then sat idle for 3 s. */
async function idleRss(tmp: string): Promise<number | null> {
  const port = await freePort();
  const child = spawn(process.execPath, ["bin/mockforge.js", "serve", "--config", "examples/mockforge.yaml", "--state", join(tmp, "idle.db"), "--port", String(port)], { stdio: "ignore", env: { ...process.env, MOCKFORGE_LOG_LEVEL: "warn" } });
  try {
    const t0 = performance.now();
    while ((await getStatus(port, "/__mockforge/health")) !== 200) {
      if (performance.now() - t0 > 60_000) return null;
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 3000));
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  } finally {
    child.kill("SIGKILL");
  }
}
