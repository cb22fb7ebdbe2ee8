/**
 * The composition root: builds every service from a loaded config and `Deps`, and is the only
 * place defaults are wired. `createApp` builds; `app.start()` opens storage, resumes pending
 * deliveries and listens; `app.close()` undoes it all in reverse order.
 */
import type { Server } from "node:http";
import { resolve } from "node:path";
import { createAdminApi } from "./admin/admin-api.js";
import type { LoadedConfig } from "./config/index.js";
import { defaultDeps, type Deps } from "./core/deps.js";
import { createDeliveryEngine } from "./delivery/index.js";
import type { DeliveryEngine } from "./delivery/types.js";
import { JournalRecorder } from "./engine/journal-recorder.js";
import { MockEngine, type Exchange } from "./engine/mock-engine.js";
import { RouteTable } from "./engine/route-table.js";
import { routeWebhookFirer } from "./engine/route-webhooks.js";
import { createHttpServer, listen } from "./server/http-server.js";
import { openStorage } from "./storage/index.js";
import type { Storage } from "./storage/ports.js";

export interface AppOptions {
  /** Overrides `storage` from the config (`--ephemeral` passes `memory`, `--state` a sqlite file). */
  storage?: string;
  port?: number;
  host?: string;
  deps?: Partial<Deps>;
}

export interface App {
  readonly deps: Deps;
  readonly loaded: LoadedConfig;
  readonly routes: RouteTable;
  /** Set once `start()` resolved. */
  readonly url: string;
  readonly port: number;
  storage(): Storage;
  deliveries(): DeliveryEngine;
  recorder(): JournalRecorder;
  start(): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

export function createApp(loaded: LoadedConfig, options: AppOptions = {}): App {
  const deps = defaultDeps(options.deps);
  const config = loaded.config;
  const routes = new RouteTable(config.routes);
  let storage: Storage | null = null;
  let deliveries: DeliveryEngine | null = null;
  let recorder: JournalRecorder | null = null;
  let server: Server | null = null;
  let url = "";
  let port = 0;

  const need = <T>(v: T | null, what: string): T => {
    if (v === null) throw new Error(`${what} is not available before app.start()`);
    return v;
  };

  const app: App = {
    deps,
    loaded,
    routes,
    get url() {
      return url;
    },
    get port() {
      return port;
    },
    storage: () => need(storage, "storage"),
    deliveries: () => need(deliveries, "the delivery engine"),
    recorder: () => need(recorder, "the journal"),

    async start() {
      const host = options.host ?? config.http.host;
      const wantPort = options.port ?? config.http.port;
      storage = await openStorage(resolveStorage(options.storage ?? config.storage, loaded.dir), { clock: deps.clock });
      deliveries = createDeliveryEngine({ storage, clock: deps.clock, random: deps.random, logger: deps.logger, defaults: config.webhooks });
      recorder = new JournalRecorder(storage.journal, config.journal.max_entries, (e) => deps.logger.error({ err: String(e) }, "journal write failed"));
      const baseUrl = () => config.http.base_url ?? url;
      const afterResponse: ((ex: Exchange) => void)[] = [];
      // Always on: routes with webhooks can be added at run time through the admin API.
      afterResponse.push(routeWebhookFirer({ deliveries, deps, baseUrl }));
      const engine = new MockEngine({
        routes,
        journal: recorder,
        journalStore: storage.journal,
        deps,
        baseUrl,
        maxTraceDepth: config.webhooks.max_trace_depth,
        afterResponse,
      });
      const admin = createAdminApi({ app, engine, token: config.http.admin_token });
      server = createHttpServer({ engine, admin, deps, bodyLimitBytes: config.http.body_limit_bytes });
      const addr = await listen(server, wantPort, host);
      port = addr.port;
      url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
      await deliveries.start();
      return { url, port };
    },

    async close() {
      if (server) {
        const s = server;
        server = null;
        s.closeIdleConnections();
        await new Promise<void>((r) => s.close(() => r()));
        s.closeAllConnections();
      }
      if (deliveries) await deliveries.stop();
      if (storage) await storage.close();
      deliveries = null;
      storage = null;
    },
  };
  return app;
}

/**
 * Relative sqlite paths resolve against the config file's folder, the default one too: two
 * configs in two folders (a server and its webhook receiver) never share one outbox.
 */
function resolveStorage(spec: string, configDir: string): string {
  if (!spec.startsWith("sqlite:")) return spec;
  return `sqlite:${resolve(configDir, spec.slice("sqlite:".length))}`;
}
