import type { Deps } from "../core/deps.js";
import type { EnvAccess, EnvRecord } from "../core/env-access.js";
import { describeError } from "../core/errors.js";
import type { TraceContext } from "../delivery/index.js";
import type { EvalEnv } from "../expr/index.js";
import type { FaultDecision as FullFaultDecision } from "../scenarios/fault-controller.js";
import type { CompiledRoute, RenderedResponse, RouteExtension } from "./compiled-route.js";
import { requestView, type Exchange } from "./exchange.js";
import type { JournalRecorder } from "./journal-recorder.js";
import type { MockRequest, MockResponse } from "./mock-request.js";
import type { RouteTable } from "./route-table.js";
import { isRouteLogsRequest } from "./route-logs-path.js";
import { signatureRejected } from "./route-verify.js";
import { methodNotAllowed, notFound, notStored, renderFailed } from "./engine-answers.js";
import { bodyValue, serializeBody } from "./serialize-body.js";

/** What chaos asks of one request (SPEC §5); `scenarios/fault-controller.ts` decides it. */
export type FaultDecision = Pick<FullFaultDecision, "latencyMs" | "errorStatus" | "drop">;

// The exchange has a file of its own; importers of this module keep finding it here.
export type { Exchange } from "./exchange.js";

/** One access log line: what `EngineOptions.accessLog` is given per request served. */
export interface AccessLogEntry {
  method: string;
  path: string;
  status: number;
  ms: number;
  route: string | null;
  webhooks: number;
}

export interface EngineOptions {
  routes: RouteTable;
  journal: JournalRecorder;
  deps: Deps;
  /** Which environment each route reads (config routes vs routes added at run time); absent: `deps.env` for all. */
  env?: EnvAccess;
  baseUrl: () => string;
  maxTraceDepth: number;
  /** Chaos: consulted for every mocked request; null when no faults are configured. */
  decideFault?: (method: string, path: string, routeId: string | null) => FaultDecision | null;
  /** Runs a route's `script:`; returns the (possibly changed) response and notes. */
  runRouteScript?: (route: CompiledRoute, scope: Record<string, unknown>, response: RenderedResponse, req: MockRequest) => Promise<{ response: RenderedResponse; notes: string[] }>;
  /** Route webhooks, consistency rules: run after the response is sent, never delaying it. */
  afterResponse: AfterResponse[];
  /**
   * Work the response waits for: storing route webhooks in the outbox (`webhooks.persist:
   * before_response`, SPEC §3), so a 2xx means they are stored. A rejection answers 503.
   */
  beforeResponse?: BeforeResponse[];
  /** Called once per request served (after its after-response work started); absent: no access log, no cost. */
  accessLog?: (entry: AccessLogEntry) => void;
}

/**
 * Whether some before- or after-response work has anything to do for an answer with `status`
 * (0: dropped) to `req` on `route` (null: unmatched): the engine builds the exchange only when
 * one says yes, so it is asked before anything is made.
 */
export type Wants = (route: CompiledRoute | null, req: MockRequest, status: number) => boolean;

/** Work the answer waits for; see `EngineOptions.beforeResponse`. */
export interface BeforeResponse {
  wants: Wants;
  /** Null when there is nothing to wait for (the answer then goes out in this turn). */
  run(ex: Exchange): Promise<void> | null;
}

/** Work done after a response is sent. `wants` lets the engine skip building the exchange when nobody needs it. */
export interface AfterResponse {
  wants: Wants;
  run(ex: Exchange): void;
}

export interface HandleResult {
  readonly response: MockResponse;
  /** Call once the response has been written: journals it and fires webhooks/rules. */
  finish(): void;
}

/**
 * `handle(MockRequest)`: route match → chaos faults → response template (and route script)
 * → delay. What happens after the response (journal, webhooks, rules) is in `finish`, so
 * the server calls it only once the bytes are on their way.
 */
export class MockEngine {
  constructor(private readonly o: EngineOptions) {}

  /**
   * Answers `req`. The result is a plain value when nothing has to wait (the common case: no
   * delay, no script, no injected latency), a promise otherwise; `await` works on both, and
   * the server skips a promise round trip per request on the fast path.
   */
  handle(req: MockRequest): HandleResult | Promise<HandleResult> {
    const notes: string[] = [];
    if (req.bodyError) notes.push(req.bodyError);
    const match = this.o.routes.match(req.method, req.rawPath);
    if (match.kind !== "route") {
      return this.done(req, null, {}, match.kind === "method_not_allowed" ? methodNotAllowed(req, match.allow) : notFound(this.o.routes, req), null, notes);
    }
    const { route, params } = match;
    const fault = this.o.decideFault?.(req.method, req.path, route.id) ?? null;
    if (fault && fault.latencyMs > 0) return this.o.deps.clock.sleep(fault.latencyMs).then(() => this.routed(req, route, params, fault, notes));
    return this.routed(req, route, params, fault, notes);
  }

  private routed(req: MockRequest, route: CompiledRoute, params: Record<string, string>, fault: FaultDecision | null, notes: string[]): HandleResult | Promise<HandleResult> {
    if (fault?.drop) {
      notes.push("chaos: connection dropped");
      return this.done(req, route, params, { status: 0, headers: {}, body: "", drop: true }, null, notes);
    }
    if (fault?.errorStatus) {
      notes.push(`chaos: injected ${fault.errorStatus}`);
      const body = JSON.stringify({ error: { code: "MFG_ERR_CHAOS_INJECTED", message: `Injected fault: HTTP ${fault.errorStatus}` } });
      return this.done(req, route, params, { status: fault.errorStatus, headers: { "content-type": "application/json" }, body }, null, notes);
    }
    if (route.verify) {
      const signature = (req.signature = route.verify.check(req, this.o.deps, this.envOf(route)));
      if (!signature.valid) {
        notes.push(`signature (${signature.scheme}) not valid: ${signature.message}`);
        if (route.verify.enforce) return this.done(req, route, params, signatureRejected(signature), null, notes);
      }
    }
    if (route.ext) return this.extended(req, route, params, route.ext, notes);
    return this.own(req, route, params, notes);
  }

  /** A route with an OpenAPI check or answer (docs/openapi.md). */
  private extended(req: MockRequest, route: CompiledRoute, params: Record<string, string>, ext: RouteExtension, notes: string[]): HandleResult | Promise<HandleResult> {
    const early = ext.check?.(req, params, notes);
    if (early) return this.rendered(req, route, params, early, notes);
    if (!ext.respond) return this.own(req, route, params, notes);
    const { rendered, wire } = ext.respond(req, params, notes);
    if (!wire) return this.rendered(req, route, params, rendered, notes);
    const respond = () => this.done(req, route, params, { status: wire.status, headers: wire.headers, wireHeaders: wire.wireHeaders, body: wire.body }, rendered, notes);
    return route.delayMs > 0 ? this.o.deps.clock.sleep(route.delayMs).then(respond) : respond();
  }

  /** The route's own response, from its config. */
  private own(req: MockRequest, route: CompiledRoute, params: Record<string, string>, notes: string[]): HandleResult | Promise<HandleResult> {
    if (route.fixed) {
      // The static-route hot path: the response was made at load.
      const f = route.fixed;
      const respond = () => this.done(req, route, params, { status: f.status, headers: f.headers, wireHeaders: f.wireHeaders, body: f.body }, { status: f.status, headers: f.headers, body: f.value }, notes);
      return route.delayMs > 0 ? this.o.deps.clock.sleep(route.delayMs).then(respond) : respond();
    }
    const scope = this.scope(req, params, route);
    const env: EvalEnv = { clock: this.o.deps.clock, random: this.o.deps.random, warn: (msg) => notes.push(`template: ${msg}`) };
    const rendered = route.render(scope, env);
    if (rendered.error) renderFailed(this.o.deps.logger, route.id, rendered.error, notes);
    if (route.script && this.o.runRouteScript) {
      return this.o.runRouteScript(route, scope, rendered, req).then((out) => {
        notes.push(...out.notes);
        return this.rendered(req, route, params, out.response, notes);
      });
    }
    return this.rendered(req, route, params, rendered, notes);
  }

  /** Serializes a rendered response, after the route's delay. */
  private rendered(req: MockRequest, route: CompiledRoute, params: Record<string, string>, rendered: RenderedResponse, notes: string[]): HandleResult | Promise<HandleResult> {
    const respond = () => {
      const { text, contentType } = serializeBody(rendered.body);
      const headers = route.withContentType(rendered.headers, contentType);
      return this.done(req, route, params, { status: rendered.status, headers, body: text }, rendered, notes);
    };
    return route.delayMs > 0 ? this.o.deps.clock.sleep(route.delayMs).then(respond) : respond();
  }

  /** True for `GET <path>/logs` that is the journal view of the routes at `<path>` (see route-logs-path.ts). */
  isRouteLogs(req: MockRequest): boolean {
    return isRouteLogsRequest(this.o.routes, req);
  }

  /** Journals a request the engine did not route (413 before routing), without after-response work. */
  recordOnly(req: MockRequest, response: MockResponse, notes: string[]): HandleResult {
    return new Served(this, req, null, {}, response, null, notes);
  }

  /** What `env.*` is for this route's templates, script, webhooks and secrets (no route: the config's). */
  envOf(route: CompiledRoute | null): EnvRecord {
    return this.o.env ? this.o.env.of(route?.addedAtRunTime === true) : this.o.deps.env;
  }

  /** The template scope of a request: `request.*`, `env.*`, `base_url`. */
  scope(req: MockRequest, params: Record<string, string>, route: CompiledRoute): Record<string, unknown> {
    return {
      request: requestView(req, params),
      env: this.envOf(route),
      base_url: this.o.baseUrl(),
    };
  }

  /** A request its route's `verify.enforce` refused: no webhooks or rules follow from it. */
  private refused(req: MockRequest, route: CompiledRoute | null): boolean {
    return route?.verify?.enforce === true && req.signature?.valid === false;
  }

  private done(req: MockRequest, route: CompiledRoute | null, params: Record<string, string>, response: MockResponse, rendered: RenderedResponse | null, notes: string[]): HandleResult | Promise<HandleResult> {
    const before = this.o.beforeResponse;
    if (!before || before.length === 0 || response.drop || this.tooDeep(req) || this.refused(req, route)) return new Served(this, req, route, params, response, rendered, notes);
    let exchange: Exchange | undefined;
    const waits: Promise<void>[] = [];
    for (const b of before) {
      if (!b.wants(route, req, response.status)) continue;
      exchange ??= this.exchange(req, route, params, response, rendered);
      const w = b.run(exchange);
      if (w) waits.push(w);
    }
    if (waits.length === 0) return new Served(this, req, route, params, response, rendered, notes, exchange);
    return Promise.all(waits).then(
      () => new Served(this, req, route, params, response, rendered, notes, exchange),
      (e: unknown) => {
        notes.push(`answered 503: webhooks it triggered could not be stored (${describeError(e).message})`);
        return new Served(this, req, route, params, notStored(e), null, notes);
      },
    );
  }

  private tooDeep(req: MockRequest): boolean {
    return req.trace !== null && req.trace.depth > this.o.maxTraceDepth;
  }

  private exchange(req: MockRequest, route: CompiledRoute | null, params: Record<string, string>, response: MockResponse, rendered: RenderedResponse | null): Exchange {
    return {
      request: req,
      route,
      params,
      response: { status: response.drop ? 0 : response.status, headers: response.headers, body: rendered ? rendered.body : bodyValue(response.body) },
      // A request from outside starts a trace named after it (`req_X` → `trc_X`), so what it
      // set off (deliveries, rule runs) can be found from the journal entry.
      trace: req.trace ?? { traceId: `trc${req.id.slice(3)}`, depth: 0 },
      env: this.envOf(route),
    };
  }

  /** What `HandleResult.finish` does: journal the exchange, then hand it to after-response work. */
  afterServed(req: MockRequest, route: CompiledRoute | null, params: Record<string, string>, response: MockResponse, rendered: RenderedResponse | null, notes: string[], made?: Exchange): void {
    const duration = this.o.deps.clock.monotonic() - req.startedMono;
    const status = response.drop ? 0 : response.status;
    const tooDeep = this.tooDeep(req);
    if (tooDeep) notes.push(`loop guard: trace depth ${req.trace!.depth} > ${this.o.maxTraceDepth}; no webhooks or rules triggered`);
    // A request refused for its signature was not accepted: like a provider's receiver, nothing follows from it.
    const refused = this.refused(req, route);
    if (refused) notes.push("signature refused (verify.enforce): no webhooks or rules triggered");
    this.o.journal.record(req, route?.id ?? null, params, status, duration, notes);
    // Rules see every served exchange, unmatched ones (404/405) too; route webhooks skip those.
    if (tooDeep || refused) {
      this.o.accessLog?.(accessEntry(req, status, duration, route, undefined));
      return;
    }
    // Made only when some after-response work wants it (most routes have none); the one the
    // webhooks were stored with, if any, so rules and webhooks share the trace.
    let exchange = made;
    for (const a of this.o.afterResponse) {
      if (!a.wants(route, req, status)) continue;
      exchange ??= this.exchange(req, route, params, response, rendered);
      a.run(exchange);
    }
    this.o.accessLog?.(accessEntry(req, status, duration, route, exchange));
  }
}

/** A handled request waiting for its response to be written: one object per request, no closures. */
class Served implements HandleResult {
  constructor(
    private readonly engine: MockEngine,
    private readonly req: MockRequest,
    private readonly route: CompiledRoute | null,
    private readonly params: Record<string, string>,
    readonly response: MockResponse,
    private readonly rendered: RenderedResponse | null,
    private readonly notes: string[],
    private readonly made?: Exchange,
  ) {}

  finish(): void {
    this.engine.afterServed(this.req, this.route, this.params, this.response, this.rendered, this.notes, this.made);
  }
}

function accessEntry(req: MockRequest, status: number, ms: number, route: CompiledRoute | null, ex: Exchange | undefined): AccessLogEntry {
  return { method: req.method, path: req.path, status, ms: Math.round(ms * 10) / 10, route: route?.id ?? null, webhooks: ex?.queued ?? 0 };
}
