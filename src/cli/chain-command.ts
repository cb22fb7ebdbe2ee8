import { Command } from "commander";
import { buildServices, retentionOf } from "../app-services.js";
import { fromRunRecord, formatChainEvent, formatRunTable, loadChainFile, type ChainEvent, type ChainRun, type LoadedChain } from "../chains/index.js";
import { configSchema } from "../config/schema/config.js";
import { defaultDeps } from "../core/deps.js";
import { createEnvAccess } from "../core/env-access.js";
import { envNamesIn } from "../core/env-names.js";
import { isMockForgeError } from "../core/errors.js";
import { openStorage } from "../storage/index.js";
import { adminCall, tokenOption } from "./admin-client.js";
import { reportError } from "./cli-errors.js";
import { withStateFile } from "./open-state.js";
import { createLogger } from "./create-logger.js";
import { createLiveOutput, type LiveOutput } from "./live-status.js";
import { collectVar } from "./parse-vars.js";

/**
 * `mockforge chain run <file>`: runs a chain file from the command line, each link live as it
 * starts and ends, then a table. Exit 0 when it succeeded, 1 when any link failed, 2 when the
 * chain is invalid (nothing was sent). `mockforge chain runs <id>`: the run history.
 */
export function chainCommand(): Command {
  const cmd = new Command("chain").description("Run request chains and read their history");
  cmd
    .command("run")
    .description("Run a chain file")
    .argument("<file>", "chain file (YAML or JSON)")
    .option("--var <name=value>", "a variable (repeatable); base_url sets {{base_url}}", collectVar, {})
    .option("--state <file>", "keep the run (and its deliveries) in this SQLite file instead of memory")
    .option("--allow-env <names>", "comma-separated env names the chain may read besides those its file writes as env.NAME", "")
    .option("--json", "print the run record as JSON")
    .action(async (file: string, opts: ChainRunOpts) => {
      let loaded;
      try {
        loaded = await loadChainFile(file);
      } catch (e) {
        process.exitCode = reportError(e, 2);
        return;
      }
      for (const w of loaded.warnings) process.stderr.write(`warning: ${w}\n`);
      await runChainFile(loaded, opts);
    });

  cmd
    .command("validate")
    .description("Check a chain file without running it: schema, ids, dependencies, cycles, templates, scripts")
    .argument("<file>", "chain file (YAML or JSON)")
    .action(async (file: string) => {
      try {
        const loaded = await loadChainFile(file);
        for (const w of loaded.warnings) process.stderr.write(`warning: ${w}\n`);
        process.stdout.write(`${file}: OK (chain '${loaded.chain.id}', ${loaded.chain.links.length} links)\n`);
      } catch (e) {
        process.exitCode = reportError(e, 2);
      }
    });

  tokenOption(cmd.command("runs"))
    .description("List the runs of a chain, newest first")
    .argument("<chain-id>")
    .option("--state <file>", "SQLite state file", ".mockforge/state.db")
    .option("--url <server>", "a running MockForge server (instead of --state)")
    .option("--limit <n>", "at most this many", "20")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { state: string; url?: string; token?: string; limit: string; json?: boolean }) => {
      try {
        let runs: ChainRun[];
        if (opts.url) runs = await adminCall<ChainRun[]>(opts.url, "GET", `/chains/${encodeURIComponent(id)}/runs?limit=${opts.limit}`, undefined, opts.token);
        else runs = await withStateFile(opts.state, async (s) => (await s.runs.list({ kind: "chain", refId: id, limit: Number(opts.limit) })).map(fromRunRecord));
        if (opts.json) process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
        else if (runs.length === 0) process.stdout.write(`no runs of chain '${id}'\n`);
        else for (const r of runs) process.stdout.write(`${r.id}  ${r.status}  ${new Date(r.startedAt).toISOString()}  ${r.durationMs ?? "-"} ms\n`);
      } catch (e) {
        process.exitCode = reportError(e);
      }
    });
  return cmd;
}

interface ChainRunOpts {
  var: Record<string, unknown>;
  state?: string;
  allowEnv: string;
  json?: boolean;
}

/**
 * Runs a loaded chain file with a server's services. Each link prints as it finishes; on a
 * terminal a status line shows the links in flight (a retry wait included) with the time spent.
 * Ctrl-C cancels the run, prints its table (what finished, what was cut short) and exits 130.
 */
async function runChainFile(loaded: LoadedChain, opts: ChainRunOpts): Promise<void> {
  // The chain file is the config here: it reads the names it writes, plus --allow-env (docs/security.md).
  const allowlist = opts.allowEnv.split(",").filter(Boolean);
  const env = createEnvAccess(process.env, { allowlist, fileNames: envNamesIn(loaded.chain.config) });
  const deps = defaultDeps({ logger: createLogger(process.env.MOCKFORGE_LOG_LEVEL ?? "error"), env: env.file });
  const { base_url: baseUrl, ...variables } = opts.var;
  // Built like a server's services (the config's defaults for webhooks, scripts and
  // retention), so a chain behaves the same from the CLI as through a running server.
  const config = configSchema.parse({ env_allowlist: allowlist });
  const storage = await openStorage(opts.state ? `sqlite:${opts.state}` : "memory", { clock: deps.clock, logger: deps.logger, owner: true, retention: retentionOf(config) });
  const url = typeof baseUrl === "string" ? baseUrl : "http://127.0.0.1:3000";
  const services = buildServices(config, deps, storage, { checked: { chains: [loaded], warnings: [] }, env, baseUrl: () => url });
  const live = opts.json ? undefined : createLiveOutput(process.stdout, deps.clock);
  const cancel = new AbortController();
  const onSigint = () => {
    live?.stop();
    if (cancel.signal.aborted) process.exit(130);
    process.stderr.write("\ninterrupted: cancelling the run and printing what finished (Ctrl-C again to quit at once)\n");
    cancel.abort();
  };
  process.on("SIGINT", onSigint);
  try {
    await services.deliveries.start();
    const run = await services.runChain(loaded.chain.id, {
      ...(Object.keys(variables).length ? { variables } : {}),
      signal: cancel.signal,
      ...(live ? { onEvent: chainEventWriter(live, loaded.chain.id, loaded.chain.links.length) } : {}),
    });
    live?.stop();
    process.stdout.write(opts.json ? `${JSON.stringify(run, null, 2)}\n` : `\n${formatRunTable(run).trimEnd()}\n${cancel.signal.aborted ? "interrupted\n" : ""}`);
    process.exitCode = cancel.signal.aborted ? 130 : run.status === "succeeded" ? 0 : 1;
  } catch (e) {
    live?.stop();
    process.exitCode = reportError(e, isMockForgeError(e) && e.code.startsWith("MFG_ERR_CHAIN") ? 2 : 1);
  } finally {
    process.off("SIGINT", onSigint);
    await services.close();
    await services.deliveries.stop();
    await storage.close();
  }
}

/**
 * Link events as lines: piped, every event is a line (as before); on a terminal a link's start
 * goes to the status line (the links in flight, done of total) and its end is the line.
 */
function chainEventWriter(live: LiveOutput, chainId: string, total: number): (e: ChainEvent) => void {
  const running = new Set<string>();
  let done = 0;
  const status = () => (running.size ? `chain ${chainId}: ${[...running].join(", ")} (${done}/${total} links done)` : `chain ${chainId}: ${done}/${total} links done`);
  return (e) => {
    if (e.type === "link_started") running.add(e.linkId);
    if (e.type === "link_finished") {
      running.delete(e.link.id);
      done++;
    }
    const next = e.type === "run_finished" ? null : status();
    if (e.type === "link_started" && live.tty) live.status(next);
    else live.line(formatChainEvent(e), next);
  };
}
