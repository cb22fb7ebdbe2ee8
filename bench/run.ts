/**
 * `npm run bench`: every performance target of the issues, measured against a baseline in the
 * same run (ratios, since these machines are noisy). Prints a JSON report and writes it to
 * bench/results/latest.json. Loads target 127.0.0.1 only; every section is bounded in time.
 *
 *   npm run bench                 # all sections, 5 s per measurement
 *   npm run bench -- static 3     # one section, 3 s per measurement
 *
 * Sections: static, webhooks (issues 2–3, 20), chains (4), scripts (5), rules and faults (6),
 * dashboard (17: an open page and event stream against the static route), scale (20: configs
 * of many routes), openapi (18), startup (20: serve to first 200, --help, idle RSS), cluster (19:
 * SQLite vs PostgreSQL vs two members, failover after kill -9), crash (15: kill -9 at 10k requests
 * loses no webhook of a request answered 2xx).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chainTiming } from "./sections/chain-timing.js";
import { clusterSection } from "./sections/cluster.js";
import { crashSection } from "./sections/crash.js";
import { dashboardCost } from "./sections/dashboard-cost.js";
import { configScale } from "./sections/config-scale.js";
import { faultAccuracy } from "./sections/fault-accuracy.js";
import { openapiSection } from "./sections/openapi.js";
import { ruleOverhead } from "./sections/rule-overhead.js";
import { scriptThroughput } from "./sections/script-throughput.js";
import { startupSection } from "./sections/startup.js";
import { staticRoutes } from "./sections/static-routes.js";
import { webhookFanout } from "./sections/webhook-fanout.js";

type Section = (tmp: string, seconds: number) => Promise<Record<string, unknown>>;
const sections: Record<string, Section> = {
  static: staticRoutes,
  webhooks: webhookFanout,
  chains: chainTiming,
  scripts: scriptThroughput,
  rules: ruleOverhead,
  faults: faultAccuracy,
  dashboard: dashboardCost,
  scale: configScale,
  openapi: openapiSection,
  startup: startupSection,
  cluster: clusterSection,
  crash: crashSection,
};

const [only, secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg ?? 5);
const chosen = only && only !== "all" ? { [only]: sections[only]! } : sections;
if (only && only !== "all" && !sections[only]) {
  console.error(`unknown section '${only}'; known: ${Object.keys(sections).join(", ")}`);
  process.exit(2);
}

const tmp = mkdtempSync(join(tmpdir(), "mockforge-bench-"));
const report: Record<string, unknown> = { node: process.version, date: new Date().toISOString(), seconds_per_measurement: seconds };
try {
  for (const [name, run] of Object.entries(chosen)) {
    process.stderr.write(`bench: ${name}…\n`);
    report[name] = await run(tmp, seconds);
    process.stderr.write(`${JSON.stringify(report[name], null, 2)}\n`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/latest.json", JSON.stringify(report, null, 2));
console.log(JSON.stringify(report, null, 2));
