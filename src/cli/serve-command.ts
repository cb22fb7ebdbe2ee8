import { Command } from "commander";
import { resolve } from "node:path";
import { MockForgeError } from "../core/errors.js";
import { createApp } from "../app.js";
import { loadConfig, openapiSpecSchema, parseConfigText, type LoadedConfig } from "../config/index.js";
import { reportError } from "./cli-errors.js";
import { createLogger } from "./create-logger.js";

/** `mockforge serve`: load, validate, listen; exit 1 before listening on any config error. */
export function serveCommand(): Command {
  return new Command("serve")
    .description("Serve the mocked routes and the admin API from a config file")
    .option("-c, --config <file>", "config file (YAML or JSON)", "mockforge.yaml")
    .option("-p, --port <port>", "port to listen on (0 picks a free port)", parsePort)
    .option("--host <host>", "interface to listen on")
    .option("--ephemeral", "keep state in memory only (no state file)")
    .option("--state <file>", "SQLite state file (default .mockforge/state.db)")
    .option("--admin-token <token>", "token every admin call must send as `Authorization: Bearer <token>` (default: $MOCKFORGE_ADMIN_TOKEN, else http.admin_token)")
    .option("--insecure-no-admin-token", "listen on a non-loopback --host without an admin token (an open admin API; warned at every start)")
    .option("--storage <spec>", "storage instead of the config's: memory, sqlite:<file>, or a postgres:// URL (a cluster: docs/cluster.md)")
    .option("--access-log", "log one line per request served (default: on when the output is a terminal)")
    .option("--no-access-log", "no request log, also on a terminal")
    .option("--openapi <spec>", "serve an OpenAPI 3.0/3.1 spec (repeatable); without --config no config file is needed", collect, [])
    .option("--openapi-lenient", "serve the sound part of a spec with problems, and list what was skipped")
    .option("--openapi-validation <mode>", "request validation for --openapi specs: off, warn or enforce", "warn")
    .option("--openapi-base-path <path>", "prefix of the --openapi specs' paths", "")
    .action(async (opts: ServeOptions, cmd: Command) => {
      const logger = createLogger();
      let loaded;
      try {
        loaded = await loadServeConfig(opts, cmd.getOptionValueSource("config") === "default");
      } catch (e) {
        process.exitCode = reportError(e);
        return;
      }
      for (const w of loaded.warnings) logger.warn(w);
      // The flag wins over the environment, which wins over the file: the nearest setting decides.
      const adminToken = opts.adminToken || process.env.MOCKFORGE_ADMIN_TOKEN || undefined;
      const app = createApp(loaded, {
        port: opts.port,
        host: opts.host,
        ...(adminToken ? { adminToken } : {}),
        insecureNoAdminToken: opts.insecureNoAdminToken === true,
        storage: opts.ephemeral ? "memory" : opts.state ? `sqlite:${opts.state}` : opts.storage,
        deps: { logger },
        accessLog: opts.accessLog ?? Boolean(process.stdout.isTTY),
      });
      try {
        const { url, services } = await app.start();
        // From the config, not the compiled webhooks: a route compiles on its first request.
        for (const r of app.routes.list()) {
          const hooks = r.config.webhooks.length;
          logger.info(`route ${r.method.padEnd(6)} ${url}${r.path}${hooks ? `  (+${hooks} webhook${hooks > 1 ? "s" : ""})` : ""}`);
        }
        logger.info(`MockForge serving ${loaded.file} at ${url}; admin API at ${url}/__mockforge; state: ${services.storage.description}`);
        logger.info(`dashboard at ${url}/__mockforge/ui`);
      } catch (e) {
        await app.close().catch(() => {});
        process.exitCode = reportError(e);
        return;
      }
      let closing = false;
      const shutdown = (signal: string) => {
        if (closing) return;
        closing = true;
        logger.info(`${signal} received, shutting down`);
        app.close().then(
          () => process.exit(0),
          (e) => process.exit(reportError(e)),
        );
      };
      process.once("SIGINT", () => shutdown("SIGINT"));
      process.once("SIGTERM", () => shutdown("SIGTERM"));
    });
}

interface ServeOptions {
  config: string;
  accessLog?: boolean;
  storage?: string;
  adminToken?: string;
  insecureNoAdminToken?: boolean;
  port?: number;
  host?: string;
  ephemeral?: boolean;
  state?: string;
  openapi: string[];
  openapiLenient?: boolean;
  openapiValidation: string;
  openapiBasePath: string;
}

/** The config file, or none when only `--openapi` specs are served; `--openapi` specs are added to it. */
async function loadServeConfig(opts: ServeOptions, configIsDefault: boolean): Promise<LoadedConfig> {
  const loaded = opts.openapi.length > 0 && configIsDefault ? parseConfigText("{}\n", "(--openapi)", { dir: process.cwd() }) : await loadConfig(opts.config, { collectProblems: true });
  for (const spec of opts.openapi) {
    const parsed = openapiSpecSchema.safeParse({ spec: resolve(spec), lenient: opts.openapiLenient === true, validation: opts.openapiValidation, base_path: opts.openapiBasePath });
    if (!parsed.success) throw new MockForgeError("MFG_ERR_CONFIG_INVALID", `--openapi ${spec}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`, { hint: "--openapi-validation is off, warn or enforce" });
    loaded.config.openapi.push(parsed.data);
  }
  return loaded;
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

export function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be 0-65535, got '${v}'`);
  return n;
}
