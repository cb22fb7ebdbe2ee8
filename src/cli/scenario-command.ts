import { Command } from "commander";
import { createApp } from "../app.js";
import { systemClock } from "../core/clock.js";
import { loadConfig } from "../config/index.js";
import type { ScenarioReport } from "../scenarios/index.js";
import type { DeliveryRecord } from "../storage/ports.js";
import { adminCall, tokenOption } from "./admin-client.js";
import { reportError } from "./cli-errors.js";
import { createLogger } from "./create-logger.js";
import { collectVar } from "./parse-vars.js";
import { parsePort } from "./serve-command.js";

const FINISHED = new Set(["succeeded", "failed", "dead"]);

/**
 * `mockforge scenario run <name>`: runs a chaos scenario, against a running server (`--url`)
 * or on the config's server started in-process for the run. Before exiting it waits, bounded,
 * for the deliveries the run queued, and prints the report with their outcome.
 * Exit 0 when the scenario succeeded and every delivery did; 1 otherwise.
 */
export function scenarioCommand(): Command {
  const cmd = new Command("scenario").description("Run chaos scenarios");
  tokenOption(cmd.command("run"))
    .argument("<name>", "scenario name from chaos.scenarios")
    .option("-c, --config <file>", "config file", "mockforge.yaml")
    .option("--url <server>", "run on this running MockForge server instead of starting one")
    .option("-p, --port <port>", "port for the in-process server (default 0: a free port, so it never clashes with a running server)", parsePort)
    .option("--var <name=value>", "a scenario variable (repeatable)", collectVar, {})
    .option("--wait-ms <ms>", "how long to wait for the run's deliveries", "30000")
    .option("--json", "print the report as JSON")
    .action(async (name: string, opts: { config: string; url?: string; token?: string; port?: number; var: Record<string, unknown>; waitMs: string; json?: boolean }) => {
      try {
        const waitMs = Number(opts.waitMs);
        const { report, deliveries } = opts.url ? await remote(opts.url, opts.token, name, opts.var, waitMs) : await local(opts, name, waitMs);
        print(report, deliveries, opts.json);
        // Queued hook calls must have been delivered; a step's own request (awaited) is judged by
        // the step, which may expect an error status on purpose.
        const allDelivered = deliveries.filter((d) => d.mode === "queued").every((d) => d.status === "succeeded");
        process.exitCode = report.status === "succeeded" && allDelivered ? 0 : 1;
      } catch (e) {
        process.exitCode = reportError(e);
      }
    });
  return cmd;
}

async function local(opts: { config: string; port?: number; var: Record<string, unknown> }, name: string, waitMs: number) {
  const loaded = await loadConfig(opts.config);
  const app = createApp(loaded, { port: opts.port ?? 0, storage: "memory", deps: { logger: createLogger(process.env.MOCKFORGE_LOG_LEVEL ?? "error") } });
  await app.start();
  try {
    const report = await app.domain().scenarios.start(name, { variables: opts.var }).done;
    await app.deliveries().drain(waitMs);
    const records = await Promise.all(report.deliveries.map((id) => app.storage().deliveries.get(id)));
    return { report, deliveries: records.filter((d): d is DeliveryRecord => d !== undefined) };
  } finally {
    await app.close();
  }
}

async function remote(url: string, token: string | undefined, name: string, variables: Record<string, unknown>, waitMs: number) {
  const report = await adminCall<ScenarioReport>(url, "POST", `/scenarios/${encodeURIComponent(name)}/run?wait=true`, { variables }, token);
  // The admin API waits on a filter, not on ids; poll each delivery, bounded by --wait-ms.
  const until = systemClock.now() + waitMs;
  let records: DeliveryRecord[] = [];
  for (;;) {
    records = await Promise.all(report.deliveries.map((id) => adminCall<DeliveryRecord>(url, "GET", `/deliveries/${id}`, undefined, token)));
    if (records.every((d) => FINISHED.has(d.status)) || systemClock.now() > until) break;
    await systemClock.sleep(200);
  }
  return { report, deliveries: records };
}

function print(report: ScenarioReport, deliveries: DeliveryRecord[], json?: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ report, deliveries }, null, 2)}\n`);
    return;
  }
  const out = [`scenario ${report.scenario}: ${report.status} in ${report.durationMs === null ? "-" : Math.round(report.durationMs)} ms (run ${report.id})`];
  for (const s of report.steps) {
    out.push(`  step ${s.name}: ${s.status}${s.request ? `  ${s.request.method} ${s.request.url} → ${s.request.status || s.request.error?.message}` : ""}${s.faults ? "  (faults applied)" : ""}`);
    for (const h of s.hooks) out.push(`    hook ${h.name} (${h.hookType}): ${h.status}${h.condition !== null ? `, condition ${h.condition}` : ""}`);
  }
  for (const d of deliveries) out.push(`  delivery ${d.id} ${d.request.method} ${d.request.url}: ${d.status}${d.lastStatus ? ` HTTP ${d.lastStatus}` : ""}${d.lastError ? ` (${d.lastError})` : ""}`);
  for (const w of report.warnings) out.push(`  warning: ${w}`);
  if (report.error) out.push(`  error: ${report.error.code}: ${report.error.message}`);
  process.stdout.write(`${out.join("\n")}\n`);
}
