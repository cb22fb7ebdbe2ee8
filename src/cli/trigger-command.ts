import { Command } from "commander";
import { createApp } from "../app.js";
import { loadConfig, parseConfigText, openapiSpecSchema, type LoadedConfig } from "../config/index.js";
import { MockForgeError } from "../core/errors.js";
import type { DeliveryRecord } from "../storage/ports.js";
import { adminCall } from "./admin-client.js";
import { reportError } from "./cli-errors.js";

interface TriggerOptions {
  to?: string;
  example?: string;
  body?: string;
  secret?: string;
  url?: string;
  token?: string;
  spec?: string;
  config?: string;
  timeout: string;
}

/**
 * `mockforge trigger <event>`: sends an OpenAPI 3.1 webhook, like `stripe trigger`. With
 * `--url` a running server sends it (queued in its outbox, listed in its deliveries); with
 * `--spec` (or `--config`) this process loads the spec and sends it itself, waits for the
 * outcome and exits 0 only when every delivery succeeded (1 otherwise, 2 for a usage error).
 */
export function triggerCommand(): Command {
  return new Command("trigger")
    .description("Send an OpenAPI 3.1 webhook (an event of a spec's top-level `webhooks`)")
    .argument("<event>", "the webhook's name, e.g. newPet")
    .option("--to <url>", "where to send it (default: the server's subscriptions for the event)")
    .option("--example <name>", "a named example of the webhook's body")
    .option("--body <json>", "the body to send, as JSON text")
    .option("--secret <whsec>", "sign with this Standard Webhooks secret")
    .option("--url <server>", "a running MockForge server whose admin API sends it")
    .option("--token <token>", "admin token for --url (default $MOCKFORGE_ADMIN_TOKEN)")
    .option("--spec <file>", "standalone: the spec that defines the webhook")
    .option("--config <file>", "standalone: a config whose openapi specs define it")
    .option("--timeout <ms>", "standalone: how long to wait for the delivery to finish", "30000")
    .action(async (event: string, opts: TriggerOptions) => {
      try {
        const body = opts.body === undefined ? undefined : parseJson(opts.body);
        const request = { ...(opts.to ? { to: opts.to } : {}), ...(opts.example ? { example: opts.example } : {}), ...(body !== undefined ? { body } : {}), ...(opts.secret ? { secret: opts.secret } : {}) };
        if (opts.url) {
          const r = await adminCall<{ deliveries: DeliveryRecord[] }>(opts.url, "POST", `/openapi/webhooks/${encodeURIComponent(event)}/trigger`, request, opts.token ?? process.env.MOCKFORGE_ADMIN_TOKEN);
          for (const d of r.deliveries) process.stdout.write(`queued ${d.id} (webhook-id ${d.webhookId}) ${d.request.method} ${d.request.url}\n`);
          process.exitCode = 0;
          return;
        }
        if (!opts.spec && !opts.config) {
          process.stderr.write("mockforge trigger: give --url <running server>, or --spec <file> (or --config <file>) to send it from here\n");
          process.exitCode = 2;
          return;
        }
        process.exitCode = await standalone(event, request, opts);
      } catch (e) {
        process.exitCode = reportError(e);
      }
    });
}

async function standalone(event: string, request: Record<string, unknown>, opts: TriggerOptions): Promise<number> {
  const loaded: LoadedConfig = opts.config ? await loadConfig(opts.config) : parseConfigText("{}\n", "(trigger)", { dir: process.cwd() });
  if (opts.spec) loaded.config.openapi.push(openapiSpecSchema.parse({ spec: opts.spec }));
  const created = createApp(loaded, { port: 0, host: "127.0.0.1", storage: "memory" });
  try {
    const app = await created.start();
    const openapi = app.openapi;
    if (!openapi) throw new MockForgeError("MFG_ERR_OPENAPI_UNKNOWN_EVENT", `No spec loaded, so no webhook '${event}'`, { hint: "pass --spec <file>" });
    const queued = await openapi.events.trigger(event, request);
    const done = await app.services.deliveries
      .waitFor({ sourceKind: "openapi" }, queued.length, Number(opts.timeout))
      .catch(() => null);
    if (!done) {
      process.stderr.write(`mockforge trigger: ${queued.length} delivery(ies) not finished after ${opts.timeout} ms (still retrying)\n`);
      return 1;
    }
    let failed = 0;
    for (const d of done) {
      if (d.status !== "succeeded") failed++;
      process.stdout.write(`${d.status === "succeeded" ? "✓" : "✗"} ${d.id} ${d.status} ${d.lastStatus ? `HTTP ${d.lastStatus} ` : ""}${d.request.method} ${d.request.url}${d.lastError ? `  ${d.lastError}` : ""}\n`);
    }
    return failed > 0 ? 1 : 0;
  } finally {
    await created.close();
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new MockForgeError("MFG_ERR_BAD_REQUEST", `--body is not JSON: ${(e as Error).message}`);
  }
}
