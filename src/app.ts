/**
 * The composition root: builds every service from a loaded config and `Deps`, and is the only
 * place implementations are chosen. `createApp` only prepares; `app.start()` checks the domain
 * parts of the config (chains, rules, scenarios, scripts), opens storage, builds the services
 * (`buildServices`), resumes pending deliveries and listens, and resolves with the running app,
 * whose services are all there; `app.close()` undoes whatever start did, in reverse order.
 */
import type { Server } from "node:http";
import { resolve } from "node:path";
import { createAdminApi } from "./admin/admin-api.js";
import type { AdminPorts } from "./admin/admin-ports.js";
import { buildServices, retentionOf, type Services } from "./app-services.js";
import { clusterStatus } from "./cluster/cluster-status.js";
import { createMembership, type Membership } from "./cluster/membership.js";
import { createSharedState, type SharedState } from "./cluster/shared-state.js";
import type { LoadedConfig } from "./config/index.js";
import { MockForgeError } from "./core/errors.js";
import { defaultDeps, type Deps } from "./core/deps.js";
import { createEnvAccess, type EnvAccess } from "./core/env-access.js";
import { envNamesIn } from "./core/env-names.js";
import { createEventBus, type EventBus } from "./core/event-bus.js";
import type { DeliveryEngine } from "./delivery/types.js";
import { checkDomain } from "./domain-checks.js";
import { wireEvents } from "./events/wire-events.js";
import { MockEngine, type AccessLogEntry, type AfterResponse } from "./engine/mock-engine.js";
import { RouteTable } from "./engine/route-table.js";
import { routeScriptRunner } from "./engine/route-script.js";
import { persistAfterResponse, routeWebhookFirer } from "./engine/route-webhooks.js";
import { ruleEvaluator, ruleEvaluatorBeforeResponse } from "./rules/index.js";
import { advertisedHost, MOCKFORGE_VERSION } from "./cluster/member-address.js";
import { checkBindPolicy } from "./server/bind-policy.js";
import { createHttpServer, listen } from "./server/http-server.js";
import { loadScriptSyntaxChecker } from "./scripting/index.js";
import { openStorage } from "./storage/index.js";
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

/** What an app is before and after it started. */
export interface AppBase {
  /** `deps.env` is the config files' view of the environment, not the whole of it (`env`). */
  readonly deps: Deps;
  /** The environment views (core/env-access.ts): config content vs what is added at run time. */
  readonly env: EnvAccess;
  readonly loaded: LoadedConfig;
  readonly routes: RouteTable;
  /** What the server does, as it happens: the admin event stream and lifecycle webhooks read it. */
  readonly events: EventBus;
}

export interface App extends AppBase {
  /** Checks, opens, builds and listens; resolves with the running app (every service built). */
  start(): Promise<RunningApp>;
  /** Undoes whatever `start()` did, in reverse order (also after a start that failed half way). */
  close(): Promise<void>;
}

/**
 * A started app: once `start()` resolves every field is set. The admin API gets it a moment
 * earlier (it listens before the member registers, which needs the port): until then
 * `membership` throws MFG_ERR_STARTING (503), never a TypeError.
 */
export interface RunningApp extends AppBase {
  readonly url: string;
  readonly port: number;
  readonly services: Services;
  /** This process in the store's member list (docs/cluster.md). */
  readonly membership: Membership;
  /** Run-time changes shared with the other members of a cluster (in the process only on sqlite/memory). */
  readonly shared: SharedState;
  /** The OpenAPI specs served, or null when the config names none. */
  readonly openapi: OpenApiService | null;
  /** `{{base_url}}`: `http.base_url`, else the address the server listens on. */
  baseUrl(): string;
  close(): Promise<void>;
}

export function createApp(loaded: LoadedConfig, options: AppOptions = {}): App {
  const given = defaultDeps(options.deps);
  const config = loaded.config;
  // The only read of the whole environment for templates, conditions, scripts and secrets:
  // from here on every service gets a view (issue 14, finding 5; docs/security.md).
  const env = createEnvAccess(given.env, { allowlist: config.env_allowlist, fileNames: loaded.envNames });
  const deps: Deps = { ...given, env: env.file };
  // A config loaded with `collectProblems` (serve) may hold routes the table refuses (a duplicate):
  // `start()` refuses it with every problem at once, so the table must not throw the first here.
  const routes = new RouteTable(loaded.problems?.length ? [] : config.routes);
  const events = createEventBus({ now: () => deps.clock.now(), logger: deps.logger });
  const base: AppBase = { deps, env, loaded, routes, events };
  const opened: Opened = {};
  let url = "";
  let port = 0;
  const baseUrl = () => config.http.base_url ?? url;

  const close = () => closeOpened(opened, deps);

  const start = async (): Promise<RunningApp> => {
    // Everything that can refuse the config runs before anything is opened or bound.
    // Specs load before storage opens, within the checks: a broken spec refuses the config like
    // any config error, and `trigger_webhook` actions must name webhooks the specs define.
    // Callbacks only fire once the outbox exists, so they reach it through `outbox`.
    const outbox = { enqueue: (...a: Parameters<DeliveryEngine["enqueue"]>) => opened.services!.deliveries.enqueue(...a) };
    let openapi = null as OpenApiService | null; // set by the checks (a closure: no narrowing to null)
    const checked = await checkDomain(loaded, deps, async () => {
      openapi = await startOpenApi(loaded, routes, outbox, deps, baseUrl);
      return openapi?.events.names() ?? [];
    });
    for (const w of checked.warnings) deps.logger.warn(w);
    // Chain files are config files too: they may read the names they write.
    for (const c of checked.chains) env.addFileNames(envNamesIn(c.chain.config));
    const host = options.host ?? config.http.host;
    const adminToken = options.adminToken ?? config.http.admin_token;
    checkBindPolicy({ host, token: adminToken, insecure: options.insecureNoAdminToken === true, logger: deps.logger });
    const storage = await openStorage(resolveStorage(options.storage ?? config.storage, loaded.dir), { clock: deps.clock, logger: deps.logger, owner: true, retention: retentionOf(config) });
    opened.storageClose = () => storage.close();
    // A cluster member applies routes and chains other members changed, scripts included.
    if (storage.sharedState) await loadScriptSyntaxChecker();
    const services = (opened.services = buildServices(config, deps, storage, { checked, env, baseUrl, events, self: { port: () => port, baseUrl: () => config.http.base_url }, ...(openapi ? { webhooks: openapi.events } : {}) }));
    const d = services.deliveries;
    opened.unwireEvents = wireEvents({ bus: events, onEntry: (fn) => services.recorder.onEntry(fn), deliveries: d, eventsUrl: config.webhooks.events_url, failingAfter: config.webhooks.events_failing_after, logger: deps.logger });
    for (const route of routes.list()) if (route.config.chaos_config) services.faults.setForRoute(route.id, route.config.chaos_config);
    const engine = buildEngine(base, services, openapi, baseUrl, options.accessLog === true);
    const shared = (opened.shared = createSharedState({ storage, clock: deps.clock, logger: deps.logger }));
    const running = runningApp(base, { services, shared, openapi, baseUrl, close, opened, address: () => ({ url, port }) });
    const admin = createAdminApi({ ports: adminPorts(running), token: adminToken, host });
    opened.closeStreams = admin.closeStreams;
    // The admin handlers registered how each kind of change applies: catch up on the
    // cluster's run-time changes before serving the first request.
    await shared.start();
    opened.server = createHttpServer({ engine, admin: admin.handle, deps, bodyLimitBytes: config.http.body_limit_bytes });
    const addr = await listen(opened.server, options.port ?? config.http.port, host);
    port = addr.port;
    url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    // Registered before the outbox starts, so its runs and leases belong to a listed member.
    const self = { host: advertisedHost(host), port, version: MOCKFORGE_VERSION, pid: process.pid };
    opened.membership = createMembership({ storage, clock: deps.clock, logger: deps.logger, self, leaseMs: config.webhooks.lease_ms });
    await opened.membership.start();
    await d.start();
    return running;
  };

  return { ...base, start, close };
}

/** The started app as its caller and the admin API see it; `address` is known once it listens. */
function runningApp(
  base: AppBase,
  o: { services: Services; shared: SharedState; openapi: OpenApiService | null; baseUrl: () => string; close: () => Promise<void>; opened: Opened; address: () => { url: string; port: number } },
): RunningApp {
  return {
    ...base,
    get url() {
      return o.address().url;
    },
    get port() {
      return o.address().port;
    },
    services: o.services,
    // Membership registers once the port is known; start() resolves only after that.
    get membership() {
      // The admin API listens a moment before the member registers (it needs the port).
      if (!o.opened.membership) throw new MockForgeError("MFG_ERR_STARTING", "This member is still registering in the cluster", { hint: "Ask again in a moment." });
      return o.opened.membership;
    },
    shared: o.shared,
    openapi: o.openapi,
    baseUrl: o.baseUrl,
    close: o.close,
  };
}

/** What `start()` opened so far, for `close()`: private to one app, never handed out half made. */
type Opened = { services?: Services; membership?: Membership; shared?: SharedState; server?: Server; storageClose?: () => Promise<void>; unwireEvents?: () => void; closeStreams?: () => void };

/** Undoes whatever `start()` opened, in reverse order (also after a start that failed half way). */
async function closeOpened(opened: Opened, deps: Deps): Promise<void> {
  opened.closeStreams?.();
  if (opened.server) await closeServer(opened.server, deps);
  opened.server = undefined;
  if (opened.services) await opened.services.close();
  opened.unwireEvents?.();
  opened.unwireEvents = undefined;
  if (opened.services) await opened.services.deliveries.stop();
  opened.shared?.stop();
  if (opened.membership) await opened.membership.stop();
  if (opened.storageClose) await opened.storageClose();
  opened.services = opened.membership = opened.shared = opened.storageClose = undefined;
}

/** The OpenAPI part of a server (loaded only when the config names specs), or null. */
async function startOpenApi(loaded: LoadedConfig, routes: RouteTable, outbox: Pick<DeliveryEngine, "enqueue">, deps: Deps, baseUrl: () => string): Promise<OpenApiService | null> {
  const config = loaded.config;
  if (!usesOpenApi(config)) {
    routes.setDecorator(refuseReceives);
    return null;
  }
  const { startOpenApi: start, problemText } = await import("./openapi/index.js");
  const openapi = await start({ specs: config.openapi, dir: loaded.dir, receiveSpecs: config.routes.flatMap((r) => (r.receives ? [r.receives.spec] : [])), routes, outbox, deps, baseUrl });
  for (const spec of openapi.specs) {
    for (const w of spec.model.warnings) deps.logger.warn(w);
    for (const p of spec.model.skipped) deps.logger.warn(`openapi (lenient): skipped ${problemText(p)}`);
  }
  return openapi;
}

/** The request engine with its before- and after-response work, per `webhooks.persist`. */
function buildEngine(app: AppBase, services: Services, openapi: OpenApiService | null, baseUrl: () => string, accessLog: boolean): MockEngine {
  const { deps, env, routes } = app;
  const config = app.loaded.config;
  const d = services.deliveries;
  // Always on: routes with webhooks can be added at run time through the admin API.
  const webhooks = routeWebhookFirer({ deliveries: d, deps, baseUrl });
  const persistFirst = config.webhooks.persist === "before_response";
  const afterResponse: AfterResponse[] = persistFirst ? [] : [persistAfterResponse(webhooks)];
  if (services.rules.size > 0 && !persistFirst) afterResponse.push(ruleEvaluator(services.rules));
  // OpenAPI callbacks are queued after the response in both persist modes (docs/openapi.md).
  if (openapi) afterResponse.push(openapi.afterResponse);
  return new MockEngine({
    routes,
    journal: services.recorder,
    deps,
    env,
    baseUrl,
    maxTraceDepth: config.webhooks.max_trace_depth,
    decideFault: (method, path, routeId) => services.faults.decide(method, path, routeId),
    runRouteScript: routeScriptRunner({ scripts: services.scripts, deliveries: d, runs: services.storage.runs, deps, baseUrl }),
    afterResponse,
    ...(accessLog ? { accessLog: (e: AccessLogEntry) => deps.logger.info({ access: true, ...e }, `${e.method} ${e.path} ${e.status} ${e.ms} ms${e.route ? ` route=${e.route}` : ""}${e.webhooks ? ` webhooks=${e.webhooks}` : ""}`) } : {}),
    beforeResponse: persistFirst ? [webhooks, ...(services.rules.size > 0 ? [ruleEvaluatorBeforeResponse(services.rules)] : [])] : [],
  });
}

/**
 * Stop accepting, let requests in progress finish for a moment, then cut what is left (a
 * test's long-poll wait can hold a connection for minutes).
 */
async function closeServer(s: Server, deps: Deps): Promise<void> {
  const closed = new Promise<void>((r) => s.close(() => r()));
  s.closeIdleConnections();
  const grace = new AbortController();
  await Promise.race([closed, deps.clock.sleep(2_000, grace.signal).catch(() => undefined)]);
  grace.abort();
  s.closeAllConnections();
  await closed;
}

/**
 * The admin API's narrow ports over a running app (`start()` builds the admin API from them;
 * a test lists every admin endpoint with them).
 */
export function adminPorts(app: RunningApp): AdminPorts {
  const s = app.services;
  return {
    deps: app.deps,
    routes: app.routes,
    events: app.events,
    storage: s.storage,
    deliveries: s.deliveries,
    recorder: s.recorder,
    shared: app.shared,
    envAllowlist: app.env.allowlist,
    chains: { registry: s.chains, run: s.runChain },
    faults: s.faults,
    rules: s.rules,
    scenarios: s.scenarios,
    openapi: app.openapi,
    // Membership starts after the listener (it advertises the port): read it when asked.
    clusterStatus: () => clusterStatus(s.storage, app.membership, app.deps.clock, app.loaded.config.webhooks.lease_ms),
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
