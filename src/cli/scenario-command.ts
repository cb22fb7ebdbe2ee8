import { Command } from "commander";
import { createApp } from "../app.js";
import { systemClock } from "../core/clock.js";
import { loadConfig } from "../config/index.js";
import { ruleRunFrom, type RuleRun } from "../rules/rule-run.js";
import type { ScenarioEvent, ScenarioReport } from "../scenarios/index.js";
import type { DeliveryRecord } from "../storage/ports.js";
import { adminCall, tokenOption } from "./admin-client.js";
import { reportError } from "./cli-errors.js";
import { createLogger } from "./create-logger.js";
import { collectVar } from "./parse-vars.js";
import { collect, settle, type Aftermath } from "./scenario-aftermath.js";
import { deliveryLine, failures, hookLine, reportText, ruleLine, stepLine } from "./scenario-text.js";
import { parsePort } from "./serve-command.js";

const FINISHED = new Set(["succeeded", "failed", "dead"]);

interface RunOpts {
  config: string;
  url?: string;
  token?: string;
  port?: number;
  var: Record<string, unknown>;
  timeout: string;
  json?: boolean;
}

/**
 * `mockforge scenario run <name>`: runs a chaos scenario, against a running server (`--url`)
 * or on the config's server started in-process for the run. Each step and hook is printed as
 * it finishes. Then it waits, up to `--timeout`, for everything the run started (rule runs and
 * the chains they run, queued deliveries) and prints the report, saying why anything failed.
 * Exit 0 when all of it succeeded; 1 otherwise, naming what failed; 130 on Ctrl-C, after
 * printing what had finished by then.
 */
export function scenarioCommand(): Command {
  const cmd = new Command("scenario").description("Run chaos scenarios");
  tokenOption(cmd.command("run"))
    .argument("<name>", "scenario name from chaos.scenarios")
    .option("-c, --config <file>", "config file", "mockforge.yaml")
    .option("--url <server>", "run on this running MockForge server instead of starting one")
    .option("-p, --port <port>", "port for the in-process server (default 0: a free port, so it never clashes with a running server)", parsePort)
    .option("--var <name=value>", "a scenario variable (repeatable)", collectVar, {})
    .option("--timeout <ms>", "how long to wait, after the steps, for what the run started (rule runs, chains, deliveries)", "30000")
    .option("--wait-ms <ms>", "the same as --timeout (older name)")
    .option("--json", "print the report as JSON")
    .action(async (name: string, opts: RunOpts & { waitMs?: string }) => {
      const timeoutMs = Number(opts.waitMs ?? opts.timeout);
      const live = opts.json ? undefined : liveWriter();
      try {
        const { report, after } = opts.url ? await remote(opts.url, opts.token, name, opts.var, timeoutMs) : await local(opts, name, timeoutMs, live);
        const failed = failures(report, after);
        if (opts.json) process.stdout.write(`${JSON.stringify({ report, rules: after.rules, deliveries: after.deliveries, timedOut: after.timedOut, failed }, null, 2)}\n`);
        else process.stdout.write(`\n${reportText(report, after)}${failed.length ? `failed: ${failed.join(", ")}\n` : ""}`);
        process.exitCode = failed.length === 0 ? 0 : 1;
      } catch (e) {
        process.exitCode = reportError(e);
      }
    });
  return cmd;
}

/** One line per event; dimmed on a terminal, plain when piped (so logs read line by line). */
function liveWriter(): (line: string) => void {
  const tty = process.stdout.isTTY;
  return (line) => process.stdout.write(`${tty ? "\u001b[2m" : ""}${line.trimStart()}${tty ? "\u001b[0m" : ""}\n`);
}

async function local(opts: RunOpts, name: string, timeoutMs: number, live?: (line: string) => void) {
  const loaded = await loadConfig(opts.config);
  const app = await createApp(loaded, { port: opts.port ?? 0, storage: "memory", deps: { logger: createLogger(process.env.MOCKFORGE_LOG_LEVEL ?? "error") } }).start();
  const clock = app.deps.clock;
  const startedAt = clock.now();
  const onEvent = live ? (e: ScenarioEvent) => live(e.kind === "step" ? stepLine(e.step) : hookLine(e.hook)) : undefined;
  // Ctrl-C: stop the scenario (faults off), report what finished, exit 130.
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write("\ninterrupted: stopping the scenario and printing what finished (Ctrl-C again to quit at once)\n");
    void app.services.scenarios.stop();
  };
  process.on("SIGINT", onSigint);
  try {
    const report = await app.services.scenarios.start(name, { variables: opts.var, ...(onEvent ? { onEvent } : {}) }).done;
    const settled = interrupted ? false : await settle(app, clock, timeoutMs);
    const after = await collect(app, startedAt, !settled && !interrupted, timeoutMs);
    if (live) {
      for (const r of after.rules) live(ruleLine(r));
      for (const d of after.deliveries) live(deliveryLine(d));
    }
    if (interrupted) {
      process.stdout.write(`\n${reportText(report, after)}interrupted\n`);
      await app.close();
      process.exit(130);
    }
    return { report, after };
  } finally {
    process.off("SIGINT", onSigint);
    await app.close();
  }
}

async function remote(url: string, token: string | undefined, name: string, variables: Record<string, unknown>, timeoutMs: number): Promise<{ report: ScenarioReport; after: Aftermath }> {
  const report = await adminCall<ScenarioReport>(url, "POST", `/scenarios/${encodeURIComponent(name)}/run?wait=true`, { variables }, token);
  // The admin API has no "wait for everything of this run": poll rule runs and deliveries made
  // since the run started (on a shared server that includes other clients' work), bounded.
  const until = systemClock.now() + timeoutMs;
  for (;;) {
    const rules = await adminCall<RuleRun[]>(url, "GET", `/rules/runs?since=${report.startedAt}&limit=1000`, undefined, token);
    const deliveries = (await adminCall<DeliveryRecord[]>(url, "GET", `/deliveries?since=${report.startedAt}&limit=1000`, undefined, token)).filter((d) => d.mode === "queued");
    const busy = rules.some((r) => r.status === "running") || deliveries.some((d) => !FINISHED.has(d.status));
    if (!busy || systemClock.now() > until) {
      return { report, after: { rules: rules.reverse().map((run) => ({ run: ruleRunFrom(run), chain: null })), deliveries: deliveries.reverse(), timedOut: busy, timeoutMs } };
    }
    await systemClock.sleep(200);
  }
}
