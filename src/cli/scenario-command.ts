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
import { createLiveOutput, type LiveOutput } from "./live-status.js";
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
      const live = opts.json ? undefined : createLiveOutput(process.stdout, systemClock);
      try {
        const { report, after } = opts.url ? await remote(opts.url, opts.token, name, opts.var, timeoutMs, live) : await local(opts, name, timeoutMs, live);
        live?.stop();
        const failed = failures(report, after);
        if (opts.json) process.stdout.write(`${JSON.stringify({ report, rules: after.rules, deliveries: after.deliveries, timedOut: after.timedOut, failed }, null, 2)}\n`);
        else process.stdout.write(`\n${reportText(report, after)}${failed.length ? `failed: ${failed.join(", ")}\n` : ""}`);
        process.exitCode = failed.length === 0 ? 0 : 1;
      } catch (e) {
        live?.stop();
        process.exitCode = reportError(e);
      }
    });
  return cmd;
}

/** The status line while steps run: the step going on, by position (steps report when they finish). */
function stepStatus(name: string, steps: readonly { name: string }[], done: number): string {
  const next = steps[done];
  return next ? `scenario ${name}: step ${next.name} (${done + 1}/${steps.length})` : `scenario ${name}: finishing`;
}

const waitingStatus = (timeoutMs: number) => `waiting for what the run started (rule runs, chains, deliveries), up to ${timeoutMs} ms (--timeout)`;

/**
 * Ctrl-C: the first stops the scenario (`stop`) so the run ends and its partial report prints,
 * then exit 130; a second quits at once. The status line is erased before either writes.
 */
function onInterrupt(live: LiveOutput | undefined, stop: () => void): { interrupted: () => boolean; happened: Promise<false>; dispose: () => void } {
  let interrupted = false;
  let resolve: (v: false) => void = () => {};
  const happened = new Promise<false>((r) => (resolve = r));
  const handler = () => {
    live?.stop();
    if (interrupted) process.exit(130);
    interrupted = true;
    resolve(false);
    process.stderr.write("\ninterrupted: stopping the scenario and printing what finished (Ctrl-C again to quit at once)\n");
    stop();
  };
  process.on("SIGINT", handler);
  return { interrupted: () => interrupted, happened, dispose: () => process.off("SIGINT", handler) };
}

async function local(opts: RunOpts, name: string, timeoutMs: number, live?: LiveOutput) {
  const loaded = await loadConfig(opts.config);
  const app = await createApp(loaded, { port: opts.port ?? 0, storage: "memory", deps: { logger: createLogger(process.env.MOCKFORGE_LOG_LEVEL ?? "error") } }).start();
  const clock = app.deps.clock;
  const startedAt = clock.now();
  const steps = loaded.config.chaos.scenarios.find((s) => s.name === name)?.steps ?? [];
  let done = 0;
  const onEvent = live
    ? (e: ScenarioEvent) => {
        if (e.kind === "step") live.line(stepLine(e.step), stepStatus(name, steps, ++done));
        else live.line(hookLine(e.hook));
      }
    : undefined;
  const sigint = onInterrupt(live, () => void app.services.scenarios.stop());
  try {
    live?.status(stepStatus(name, steps, 0));
    const report = await app.services.scenarios.start(name, { variables: opts.var, ...(onEvent ? { onEvent } : {}) }).done;
    if (!sigint.interrupted()) live?.status(waitingStatus(timeoutMs));
    // Ctrl-C during the wait ends it: what finished by then is reported.
    const settled = sigint.interrupted() ? false : await Promise.race([settle(app, clock, timeoutMs), sigint.happened]);
    const after = await collect(app, startedAt, !settled && !sigint.interrupted(), timeoutMs);
    live?.status(null);
    if (live) {
      for (const r of after.rules) live.line(ruleLine(r));
      for (const d of after.deliveries) live.line(deliveryLine(d));
    }
    if (sigint.interrupted()) {
      process.stdout.write(`\n${reportText(report, after)}interrupted\n`);
      await app.close();
      process.exit(130);
    }
    return { report, after };
  } finally {
    sigint.dispose();
    await app.close();
  }
}

async function remote(url: string, token: string | undefined, name: string, variables: Record<string, unknown>, timeoutMs: number, live?: LiveOutput): Promise<{ report: ScenarioReport; after: Aftermath }> {
  live?.status(`scenario ${name}: running on ${url}`);
  // Ctrl-C stops the scenario on the server: the run call then answers with the partial report.
  const sigint = onInterrupt(live, () => void adminCall(url, "POST", "/scenarios/stop", undefined, token).catch(() => process.exit(130)));
  try {
    const report = await adminCall<ScenarioReport>(url, "POST", `/scenarios/${encodeURIComponent(name)}/run?wait=true`, { variables }, token);
    if (!sigint.interrupted()) live?.status(waitingStatus(timeoutMs));
    const out = await settleRemote(url, token, report, timeoutMs, sigint.interrupted);
    if (sigint.interrupted()) {
      live?.stop();
      process.stdout.write(`\n${reportText(out.report, out.after)}interrupted\n`);
      process.exit(130);
    }
    return out;
  } finally {
    sigint.dispose();
  }
}

/** Polls what the run started until it finished or `timeoutMs` ran out. */
async function settleRemote(url: string, token: string | undefined, report: ScenarioReport, timeoutMs: number, interrupted: () => boolean): Promise<{ report: ScenarioReport; after: Aftermath }> {
  // The admin API has no "wait for everything of this run": poll rule runs and deliveries made
  // since the run started (on a shared server that includes other clients' work), bounded.
  const until = systemClock.now() + timeoutMs;
  for (;;) {
    const rules = await adminCall<RuleRun[]>(url, "GET", `/rules/runs?since=${report.startedAt}&limit=1000`, undefined, token);
    const deliveries = (await adminCall<DeliveryRecord[]>(url, "GET", `/deliveries?since=${report.startedAt}&limit=1000`, undefined, token)).filter((d) => d.mode === "queued");
    const busy = rules.some((r) => r.status === "running") || deliveries.some((d) => !FINISHED.has(d.status));
    if (!busy || systemClock.now() > until || interrupted()) {
      return { report, after: { rules: rules.reverse().map((run) => ({ run: ruleRunFrom(run), chain: null })), deliveries: deliveries.reverse(), timedOut: busy && !interrupted(), timeoutMs } };
    }
    await systemClock.sleep(200);
  }
}
