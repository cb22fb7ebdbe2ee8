/**
 * The composition root: builds every service from a loaded config and `Deps`, and is the only
 * place defaults are wired. `createApp` builds; `app.start()` checks the domain parts of the
 * config (chains, rules, scenarios, scripts), opens storage, resumes pending deliveries and
 * listens; `app.close()` undoes it all in reverse order.
 */
import type { Server } from "node:http";
import { resolve } from "node:path";
import { createAdminApi } from "./admin/admin-api.js";
import type { AdminPorts } from "./admin/admin-ports.js";
import { clusterStatus } from "./cluster/cluster-status.js";
import { createDomainServices, type DomainServices } from "./app-services.js";
import { createMembership, type Membership } from "./cluster/membership.js";
import { createSharedState, type SharedState } from "./cluster/shared-state.js";
import type { LoadedConfig } from "./config/index.js";
import { defaultDeps, type Deps } from "./core/deps.js";
import { createEnvAccess, type EnvAccess } from "./core/env-access.js";
import { envNamesIn } from "./core/env-names.js";
import { createEventBus, type EventBus } from "./core/event-bus.js";
import { createDeliveryEngine } from "./delivery/index.js";
import type { DeliveryEngine } from "./delivery/types.js";
import { checkDomain } from "./domain-checks.js";
import { wireEvents } from "./events/wire-events.js";
import { JournalRecorder } from "./engine/journal-recorder.js";
import { MockEngine, type AccessLogEntry, type AfterResponse } from "./engine/mock-engine.js";
import { RouteTable } from "./engine/route-table.js";
import { routeScriptRunner } from "./engine/route-script.js";
import { persistAfterResponse, routeWebhookFirer } from "./engine/route-webhooks.js";
import { ruleEvaluator, ruleEvaluatorBeforeResponse } from "./engine/rule-exchange-adapter.js";
import { advertisedHost, MOCKFORGE_VERSION } from "./cluster/member-address.js";
import { checkBindPolicy } from "./server/bind-policy.js";
import { createHttpServer, listen } from "./server/http-server.js";
import { openStorage } from "./storage/index.js";
import type { Storage } from "./storage/ports.js";
import type { OpenApiService } from "./openapi/index.js";
import { refuseReceives, usesOpenApi } from "./openapi-seam.js";

export interface AppOptions {
  /** Overrides `storage` from the config (`--ephemeral` passes `memory`, `--state` a sqlite file). */
  storage?: string;
  port?: number;
  host?: string;
  deps?: Partial<Deps>;
  /** Overrides `http.admin_token` (`--admin-token`, `MOCKFORGE_ADMIN_TOKEN`). */
  adminToken?: string;
  /** Listen on a non-loopback address without a token anyway (logged at every start). */
  insecureNoAdminToken?: boolean;
  /** Log one `info` line per request served (method, path, status, ms, route, webhooks queued). Default off. */
  accessLog?: boolean;
}

export interface App {
  /** `deps.env` is the config files' view of the environment, not the whole of it (`env`). */
  readonly deps: Deps;
  /** The environment views (core/env-access.ts): config content vs what is added at run time. */
  readonly env: EnvAccess;
  readonly loaded: LoadedConfig;
  readonly routes: RouteTable;
  /** What the server does, as it happens: the admin event stream and lifecycle webhooks read it. */
  readonly events: EventBus;
  /** Set once `start()` resolved. */
  readonly url: string;
  readonly port: number;
  storage(): Storage;
  deliveries(): DeliveryEngine;
  recorder(): JournalRecorder;
  domain(): DomainServices;
  /** This process in the store's member list (docs/cluster.md). */
  membership(): Membership;
  /** Run-time changes shared with the other members of a cluster (in the process only on sqlite/memory). */
  shared(): SharedState;
  /** The OpenAPI specs served, or null when the config names none. */
  openapi(): OpenApiService | null;
  /** `{{base_url}}`: `http.base_url`, else the address the server listens on. */
  baseUrl(): string;
  start(): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

export function createApp(loaded: LoadedConfig, options: AppOptions = {}): App {
  const given = defaultDeps(options.deps);
  const config = loaded.config;
  // The only read of the whole environment for templates, conditions, scripts and secrets:
  // from here on every service gets a view (issue 14, finding 5; docs/security.md).
  const env = createEnvAccess(given.env, { allowlist: config.env_allowlist, fileNames: loaded.envNames });
  const deps: Deps = { ...given, env: env.file };
  const routes = new RouteTable(config.routes);
  let storage: Storage | null = null;
  let deliveries: DeliveryEngine | null = null;
  let recorder: JournalRecorder | null = null;
  let domain: DomainServices | null = null;
  let membership: Membership | null = null;
  let shared: SharedState | null = null;
  let openapi: OpenApiService | null = null;
  let server: Server | null = null;
  const events = createEventBus({ now: () => deps.clock.now(), logger: deps.logger });
  let unwireEvents: (() => void) | null = null;
  let closeStreams: (() => void) | null = null;
  let url = "";
  let port = 0;

  const need = <T>(v: T | null, what: string): T => {
    if (v === null) throw new Error(`${what} is not available before app.start()`);
    return v;
  };
  const baseUrl = () => config.http.base_url ?? url;

  const app: App = {
    deps,
    env,
    loaded,
    routes,
    events,
    get url() {
      return url;
    },
    get port() {
      return port;
    },
    storage: () => need(storage, "storage"),
    deliveries: () => need(deliveries, "the delivery engine"),
    recorder: () => need(recorder, "the journal"),
    domain: () => need(domain, "the domain services"),
    membership: () => need(membership, "cluster membership"),
    shared: () => need(shared, "shared state"),
    openapi: () => openapi,
    baseUrl,

    async start() {
      // Everything that can refuse the config runs before anything is opened or bound.
      const checked = await checkDomain(loaded, deps);
      for (const w of checked.warnings) deps.logger.warn(w);
      // Chain files are config files too: they may read the names they write.
      for (const c of checked.chains) env.addFileNames(envNamesIn(c.chain.config));
      // Specs load before storage opens: a broken spec refuses the config like any config error.
      // The delivery engine is reached through a getter; callbacks only fire once it exists.
      if (usesOpenApi(config)) {
        const { startOpenApi, problemText } = await import("./openapi/index.js");
        const outbox = { enqueue: (...a: Parameters<DeliveryEngine["enqueue"]>) => need(deliveries, "the delivery engine").enqueue(...a) };
        openapi = await startOpenApi({ specs: config.openapi, dir: loaded.dir, receiveSpecs: config.routes.flatMap((r) => (r.receives ? [r.receives.spec] : [])), routes, outbox, deps, baseUrl });
        for (const spec of openapi.specs) {
          for (const w of spec.model.warnings) deps.logger.warn(w);
          for (const p of spec.model.skipped) deps.logger.warn(`openapi (lenient): skipped ${problemText(p)}`);
        }
      } else routes.setDecorator(refuseReceives);
      const host = options.host ?? config.http.host;
      const wantPort = options.port ?? config.http.port;
      const adminToken = options.adminToken ?? config.http.admin_token;
      checkBindPolicy({ host, token: adminToken, insecure: options.insecureNoAdminToken === true, logger: deps.logger });
      const s = (storage = await openStorage(resolveStorage(options.storage ?? config.storage, loaded.dir), { clock: deps.clock, logger: deps.logger, owner: true }));
      const d = (deliveries = createDeliveryEngine({ storage: s, clock: deps.clock, random: deps.random, logger: deps.logger, defaults: config.webhooks, self: { port: () => port, baseUrl: () => config.http.base_url }, env: deps.env }));
      const r = (recorder = new JournalRecorder(s.journal, config.journal.max_entries, (e) => deps.logger.error({ err: String(e) }, "journal write failed")));
      unwireEvents = wireEvents({ bus: events, onEntry: (fn) => r.onEntry(fn), deliveries: d, eventsUrl: config.webhooks.events_url, failingAfter: config.webhooks.events_failing_after, logger: deps.logger });
      const dom = (domain = createDomainServices({ config, checked, storage: s, deliveries: d, deps, env, baseUrl, events }));
      for (const route of routes.list()) if (route.config.chaos_config) dom.faults.setForRoute(route.id, route.config.chaos_config);

      // Always on: routes with webhooks can be added at run time through the admin API.
      const webhooks = routeWebhookFirer({ deliveries: d, deps, env, baseUrl });
      const persistFirst = config.webhooks.persist === "before_response";
      const afterResponse: AfterResponse[] = persistFirst ? [] : [persistAfterResponse(webhooks)];
      if (dom.rules.size > 0 && !persistFirst) afterResponse.push(ruleEvaluator(dom.rules));
      // OpenAPI callbacks are queued after the response in both persist modes (docs/openapi.md).
      if (openapi) afterResponse.push(openapi.afterResponse);
      const engine = new MockEngine({
        routes,
        journal: r,
        deps,
        env,
        baseUrl,
        maxTraceDepth: config.webhooks.max_trace_depth,
        decideFault: (method, path, routeId) => dom.faults.decide(method, path, routeId),
        runRouteScript: routeScriptRunner({ scripts: dom.scripts, scriptEnv: (route) => dom.scriptEnv(route.addedAtRunTime), deliveries: d, runs: s.runs, deps, keepRuns: config.journal.max_runs, baseUrl }),
        afterResponse,
        ...(options.accessLog ? { accessLog: (e: AccessLogEntry) => deps.logger.info({ access: true, ...e }, `${e.method} ${e.path} ${e.status} ${e.ms} ms${e.route ? ` route=${e.route}` : ""}${e.webhooks ? ` webhooks=${e.webhooks}` : ""}`) } : {}),
        beforeResponse: persistFirst ? [webhooks, ...(dom.rules.size > 0 ? [ruleEvaluatorBeforeResponse(dom.rules)] : [])] : [],
      });
      shared = createSharedState({ storage: s, clock: deps.clock, logger: deps.logger });
      const admin = createAdminApi({ ports: adminPorts(app), token: adminToken, host });
      closeStreams = admin.closeStreams;
      // The admin handlers registered how each kind of change applies: catch up on the
      // cluster's run-time changes before serving the first request.
      await shared.start();
      server = createHttpServer({ engine, admin: admin.handle, deps, bodyLimitBytes: config.http.body_limit_bytes });
      const addr = await listen(server, wantPort, host);
      port = addr.port;
      url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
      // Registered before the outbox starts, so its runs and leases belong to a listed member.
      const self = { host: advertisedHost(host), port, version: MOCKFORGE_VERSION, pid: process.pid };
      membership = createMembership({ storage: s, clock: deps.clock, logger: deps.logger, self, leaseMs: config.webhooks.lease_ms });
      await membership.start();
      await d.start();
      return { url, port };
    },

    async close() {
      closeStreams?.();
      if (server) {
        const s = server;
        server = null;
        // Stop accepting, let requests in progress finish for a moment, then cut what is left
        // (a test's long-poll wait can hold a connection for minutes).
        const closed = new Promise<void>((r) => s.close(() => r()));
        s.closeIdleConnections();
        const grace = new AbortController();
        await Promise.race([closed, deps.clock.sleep(2_000, grace.signal).catch(() => undefined)]);
        grace.abort();
        s.closeAllConnections();
        await closed;
      }
      if (domain) await domain.close();
      unwireEvents?.();
      unwireEvents = null;
      if (deliveries) await deliveries.stop();
      shared?.stop();
      if (membership) await membership.stop();
      if (storage) await storage.close();
      domain = null;
      membership = null;
      shared = null;
      deliveries = null;
      storage = null;
    },
  };
  return app;
}

/**
 * The admin API's narrow ports over a started app (`app.start()` builds the admin API from
 * them; a test lists every admin endpoint with them).
 */
export function adminPorts(app: App): AdminPorts {
  const domain = app.domain();
  return {
    deps: app.deps,
    routes: app.routes,
    events: app.events,
    storage: app.storage(),
    deliveries: app.deliveries(),
    recorder: app.recorder(),
    shared: app.shared(),
    envAllowlist: app.env.allowlist,
    chains: { registry: domain.chains, run: domain.runChain },
    faults: domain.faults,
    rules: domain.rules,
    scenarios: domain.scenarios,
    openapi: app.openapi(),
    // Membership starts after the listener (it advertises the port): read it when asked.
    clusterStatus: () => clusterStatus(app.storage(), app.membership(), app.deps.clock, app.loaded.config.webhooks.lease_ms),
    url: () => app.url,
    configuredBaseUrl: app.loaded.config.http.base_url,
  };
}

/**
 * Relative sqlite paths resolve against the config file's folder, the default one too: two
 * configs in two folders (a server and its webhook receiver) never share one outbox.
 */
function resolveStorage(spec: string, configDir: string): string {
  if (!spec.startsWith("sqlite:")) return spec;
  return `sqlite:${resolve(configDir, spec.slice("sqlite:".length))}`;
}
