import { parseConfigText, type LoadedConfig, type MockForgeConfigInput } from "./config/index.js";
import { loadConfig } from "./config/index.js";
import type { Deps } from "./core/deps.js";
import type { DeliveryWaitFilter } from "./delivery/index.js";
import { waitForRequests, type WaitSpec } from "./engine/request-waiter.js";
import type { EvalEnv } from "./expr/index.js";
import type { DeliveryRecord, JournalEntry } from "./storage/ports.js";
import { compileCondition } from "./template/index.js";
import { createApp, type RunningApp } from "./app.js";

export interface StartServerOptions {
  /** Default 0: a free port. */
  port?: number;
  host?: string;
  /** Default `memory` (a test server leaves no state behind); `sqlite:<file>` to persist. */
  storage?: string;
  deps?: Partial<Deps>;
}

export interface RequestWaitOptions {
  method?: string;
  path?: string;
  /** An expression over the request, e.g. `body.event == 'order.created'`. */
  where?: string;
  /** Only requests received at or after this time (epoch ms). */
  since?: number;
  count?: number;
  timeoutMs?: number;
}

export interface RunningServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  app: RunningApp;
  journal: {
    /** Resolves with the matching requests as soon as `count` of them were received; rejects after `timeoutMs`. */
    waitFor(options: RequestWaitOptions): Promise<JournalEntry[]>;
    list(filter?: { method?: string; path?: string; limit?: number }): Promise<JournalEntry[]>;
  };
  deliveries: {
    /** Resolves once `count` matching deliveries have finished (succeeded, failed or dead). */
    waitFor(filter?: DeliveryWaitFilter & { count?: number; timeoutMs?: number }): Promise<DeliveryRecord[]>;
    list(filter?: { status?: DeliveryRecord["status"]; url?: string; limit?: number }): Promise<DeliveryRecord[]>;
  };
  close(): Promise<void>;
}

/**
 * Starts a MockForge server from a config file path, YAML/JSON text, or a config object, and
 * returns helpers that let a test wait for what arrives, so no test sleeps.
 *
 * @example
 * const mock = await startServer({ routes: [{ path: "/webhooks/orders", method: "POST", response: { status: 200 } }] });
 * await fetch(`${mock.url}/webhooks/orders`, { method: "POST", body: JSON.stringify({ event: "order.created" }) });
 * const [hit] = await mock.journal.waitFor({ path: "/webhooks/orders", where: "body.event == 'order.created'" });
 * await mock.close();
 */
export async function startServer(config: string | MockForgeConfigInput, options: StartServerOptions = {}): Promise<RunningServer> {
  const loaded = await toLoaded(config);
  const app = await createApp(loaded, { port: options.port ?? 0, host: options.host, storage: options.storage ?? "memory", deps: options.deps }).start();
  const { url, port } = app;
  const env: EvalEnv = { clock: app.deps.clock, random: app.deps.random, strict: false };
  return {
    url,
    port,
    app,
    journal: {
      waitFor: (o) => {
        const where = o.where ? compileCondition(o.where) : null;
        const spec: WaitSpec = {
          method: o.method,
          path: o.path,
          since: o.since,
          count: o.count ?? 1,
          timeoutMs: o.timeoutMs ?? 5_000,
          where: where ? (e) => where.evaluate({ method: e.method, path: e.path, query: e.query, headers: e.headers, params: e.params, body: e.body, status: e.status, signature: e.signature ?? null }, env) : undefined,
        };
        return waitForRequests(app.services.storage.journal, app.services.recorder, app.deps.clock, spec);
      },
      list: (f = {}) => app.services.storage.journal.list({ method: f.method?.toUpperCase(), path: f.path, limit: f.limit }),
    },
    deliveries: {
      waitFor: ({ count, timeoutMs, ...filter } = {}) => app.services.deliveries.waitFor(filter, count ?? 1, timeoutMs ?? 10_000),
      list: (f = {}) => app.services.storage.deliveries.list(f),
    },
    close: () => app.close(),
  };
}

async function toLoaded(config: string | MockForgeConfigInput): Promise<LoadedConfig> {
  if (typeof config !== "string") return parseConfigText(JSON.stringify(config), "<startServer config>", { dir: process.cwd(), absoluteFile: "<startServer config>" });
  // A string with a newline or a leading `{` is config text; anything else is a file path.
  if (/\n/.test(config) || /^\s*[{]/.test(config)) return parseConfigText(config, "<startServer config>", { dir: process.cwd(), absoluteFile: "<startServer config>" });
  return loadConfig(config);
}
