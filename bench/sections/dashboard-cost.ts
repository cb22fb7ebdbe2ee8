import { join } from "node:path";
import { load, ratio, type LoadResult } from "../lib/load.js";
import { startChild, startMockForge, type Child } from "../lib/processes.js";
import { processCost } from "../lib/timed-child.js";
import { median } from "./bench-stats.js";

const ROUNDS = 7;
const CPU_ROUNDS = 5;

/**
 * Issue 17: what an open dashboard costs the static route. One MockForge (journal on, SQLite)
 * is loaded in turn without and with a dashboard attached: the page and its modules fetched,
 * and an event stream open for every event (each served request is one `request.served` event
 * written to it), read as fast as it comes by a process of its own. Same server both ways, so the ratio measures the
 * dashboard and not two processes; the order rotates per round and the median ratio is
 * reported. Target: the stream costs less than 3%.
 *
 * Beside the throughput ratio, the server's own CPU time per request served (user + system,
 * from /proc) with and without the dashboard: on two cores shared with the load generator and
 * the reader, throughput moves ±25% between rounds, while CPU per request is what the
 * dashboard actually adds to the server's work, and holds steady on a busy machine.
 */
export async function dashboardCost(tmp: string, seconds: number): Promise<Record<string, unknown>> {
  const mf = await startMockForge("bench/configs/static.yaml", join(tmp, "dashboard.db"));
  try {
    await load(`${mf.url}/static`, { connections: 50, seconds: 1 });
    const pid = mf.proc.pid!;
    /** The load (at `rate` requests/s, or as fast as it goes), and the server's CPU µs per request served during it. */
    const measured = async (rate?: number): Promise<Measured> => {
      const before = processCost(pid).cpuMs ?? Number.NaN;
      const result = await load(`${mf.url}/static`, { connections: 50, seconds, ...(rate ? { overallRate: rate } : {}) });
      return { ...result, cpuUs: (((processCost(pid).cpuMs ?? Number.NaN) - before) * 1000) / result.total };
    };
    const withDashboard = async (rate?: number): Promise<{ result: Measured; events: number }> => {
      for (const f of ["", "/app/main.js", "/vendor/preact.mjs", "/vendor/hooks.mjs", "/vendor/htm.mjs"]) await (await fetch(`${mf.url}/__mockforge/ui${f}`)).arrayBuffer();
      // The stream is read by a process of its own (a browser is one): read here, it competed
      // with the load generator for this process's CPU and showed up as the dashboard's cost.
      // It asks for the stream as the page does (src/ui/app/api.js): at most 500 served requests a
      // second, the rest counted in `stream.skipped` events.
      const reader = await startChild(process.execPath, ["bench/servers/sse-reader.mjs", `${mf.url}/__mockforge/events?max_rate=500`], /READY/);
      try {
        return { result: await measured(rate), events: await eventsRead(reader) };
      } finally {
        await reader.stop();
      }
    };
    /** Rounds of both ways, the order alternating per round. */
    const pairs = async (n: number, rate?: number) => {
      const out: { plain: Measured; dash: Measured; events: number }[] = [];
      for (let i = 0; i < n; i++) {
        const plainFirst = i % 2 === 0;
        const p1 = plainFirst ? await measured(rate) : undefined;
        const d = await withDashboard(rate);
        const plain = p1 ?? (await measured(rate));
        out.push({ plain, dash: d.result, events: d.events });
      }
      return out;
    };
    const rounds = await pairs(ROUNDS);
    const r = median(rounds.map((x) => x.dash.rps / x.plain.rps))!;
    // CPU per request at one fixed offered load, half what the plain server sustained: at
    // saturation it also moves with the throughput itself (fewer requests share each loop turn).
    const rate = Math.round(median(rounds.map((x) => x.plain.rps))! / 2);
    const fixed = await pairs(CPU_ROUNDS, rate);
    const cpu = median(fixed.map((x) => x.dash.cpuUs / x.plain.cpuUs))!;
    return {
      ratio_median: ratio(r, 1),
      cost_percent: Math.round((1 - r) * 1000) / 10,
      target: "cost < 3%",
      met: r > 0.97,
      server_cpu_at_fixed_rate: {
        requests_per_s: rate,
        cost_percent: Math.round((cpu - 1) * 1000) / 10,
        met: cpu < 1.03,
        cpu_us_per_request: fixed.map((x) => [round1(x.plain.cpuUs), round1(x.dash.cpuUs)]),
      },
      rounds: rounds.map((x) => ({
        plain_rps: Math.round(x.plain.rps),
        dashboard_rps: Math.round(x.dash.rps),
        ratio: ratio(x.dash.rps, x.plain.rps),
        events_seen: x.events,
      })),
    };
  } finally {
    await mf.stop();
  }
}

type Measured = LoadResult & { cpuUs: number };
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Stops the reader and returns how many events it read (it prints the count on SIGTERM). */
async function eventsRead(reader: Child): Promise<number> {
  await reader.stop();
  return Number(/EVENTS (\d+)/.exec(reader.output())?.[1] ?? Number.NaN);
}
