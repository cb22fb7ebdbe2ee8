import { compileTemplate, jsonTextAsValue, type Template } from "../template/index.js";
import { compileOutboundCall, type OutboundCall } from "../actions/outbound-call.js";
import { MockForgeError } from "../core/errors.js";
import { compileRouteVerify, type RouteVerifier } from "./route-verify.js";
import { serializeBody } from "./serialize-body.js";
import type { EvalEnv } from "../expr/index.js";
import { routeIdOf, type RouteConfig } from "../config/index.js";
import type { RouteWebhookConfig } from "../config/schema/webhooks.js";
import type { MockRequest } from "./mock-request.js";

export interface RenderedResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  /** Set when the response could not be rendered as configured (a status template gave `"abc"`): the response is this error's 500. */
  error?: MockForgeError;
}

export interface CompiledWebhook {
  config: RouteWebhookConfig;
  /** The call (templates and condition), compiled once, rendered per exchange. */
  call: OutboundCall;
}

/** A response made once, as it goes on the wire (what `fixed` holds). */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  wireHeaders: Record<string, string | number>;
  body: string;
  value: unknown;
}

/**
 * What an OpenAPI spec adds to a route (docs/openapi.md), set after compiling: a check of the
 * request before anything is answered, and for a spec operation the answer itself. Notes pushed
 * by either are journaled with the request.
 */
export interface RouteExtension {
  /** Runs first; a response returned (a 422 from validation) is sent instead of the route's own. */
  check?(req: MockRequest, params: Record<string, string>, notes: string[]): RenderedResponse | null;
  /** Makes the response instead of the route's config; `wire` when it was made once at load. */
  respond?(req: MockRequest, params: Record<string, string>, notes: string[]): { rendered: RenderedResponse; wire: WireResponse | null };
  /** Owned by after-response work that needs per-route data (OpenAPI callbacks). */
  callbacks?: unknown;
}

/**
 * A route with its templates parsed once at load. Rendering a route whose response has no
 * `{{ }}` returns the same (frozen) values without walking them: the static-route hot path.
 */
export interface CompiledRoute {
  id: string;
  method: string;
  path: string;
  config: RouteConfig;
  delayMs: number;
  webhooks: CompiledWebhook[];
  /** `verify`: checks each request's signature; null when the route checks none. */
  verify: RouteVerifier | null;
  script: string | null;
  /** True when the response needs the request to render (anything templated). */
  templated: boolean;
  /**
   * For a route with no templates and no script: the response as it goes on the wire, made
   * once at load (status, final headers, body text), so serving it renders and serializes nothing.
   */
  fixed: WireResponse | null;
  /** Set by OpenAPI after compiling; see RouteExtension. */
  ext?: RouteExtension;
  /**
   * Added through the admin API (or by another cluster member) rather than loaded from the
   * config: its templates and script read only `env_allowlist` (core/env-access.ts).
   */
  addedAtRunTime: boolean;
  render(scope: Record<string, unknown>, env: EvalEnv): RenderedResponse;
  /**
   * Rendered headers with `content-type` set from the body when they name none. For headers
   * that are not templated the merged object is made once per type and shared: read-only.
   */
  withContentType(headers: Record<string, string>, contentType: string | null): Record<string, string>;
}

/**
 * Compiles a route. `deferred`: the templates, signature check and webhooks are compiled on the
 * route's first use instead (see DeferredRoute), for the routes of a config, whose every
 * template the load has checked already (config/template-checks.ts).
 */
export function compileRoute(config: RouteConfig, addedAtRunTime = false, deferred = false): CompiledRoute {
  return deferred ? new DeferredRoute(config, addedAtRunTime) : buildRoute(config, addedAtRunTime);
}

/**
 * A config route whose compiling waits for its first request: compiling each route's templates
 * at start was a third of the start of a config of 20k routes (20 µs a route), for routes most
 * of which a run never calls. What it reads first (`fixed`, `render`, …) compiles it once.
 */
class DeferredRoute implements CompiledRoute {
  readonly id: string;
  readonly method: string;
  readonly path: string;
  readonly delayMs: number;
  readonly script: string | null;
  ext?: RouteExtension;
  private built: CompiledRoute | null = null;

  constructor(
    readonly config: RouteConfig,
    readonly addedAtRunTime: boolean,
  ) {
    this.id = routeIdOf(config);
    this.method = config.method.toUpperCase();
    this.path = config.path;
    this.delayMs = config.response?.delay_ms ?? 0;
    this.script = config.script ?? null;
  }

  private get compiled(): CompiledRoute {
    return (this.built ??= buildRoute(this.config, this.addedAtRunTime));
  }
  get webhooks(): CompiledWebhook[] {
    return this.compiled.webhooks;
  }
  get verify(): RouteVerifier | null {
    return this.compiled.verify;
  }
  get templated(): boolean {
    return this.compiled.templated;
  }
  get fixed(): WireResponse | null {
    return this.compiled.fixed;
  }
  render(scope: Record<string, unknown>, env: EvalEnv): RenderedResponse {
    return this.compiled.render(scope, env);
  }
  withContentType(headers: Record<string, string>, contentType: string | null): Record<string, string> {
    return this.compiled.withContentType(headers, contentType);
  }
}

function buildRoute(config: RouteConfig, addedAtRunTime: boolean): CompiledRoute {
  const method = config.method.toUpperCase();
  const id = routeIdOf(config);
  const response = config.response ?? {};
  const base = `routes[${id}].response`;
  const status = compileTemplate(response.status ?? 200, `${base}.status`);
  const headers = compileTemplate(response.headers ?? {}, `${base}.headers`);
  const bodySource = jsonTextAsValue(response.body);
  const body = compileTemplate(bodySource, `${base}.body`);
  const templated = !(status.constant && headers.constant && body.constant);

  // Most templated routes template only the body: their status and headers are made once and
  // shared by every request, so nothing downstream may change them. Not frozen: answering
  // from frozen headers measured 8–15 µs slower a request on the echo route.
  const constantStatus = status.constant ? toStatus(response.status ?? 200) : null;
  const constantHeaders = headers.constant ? toHeaders(response.headers ?? {}) : null;
  // Without templates the response is the same for every request: build it once.
  const constant: RenderedResponse | null = templated ? null : { status: constantStatus!, headers: constantHeaders!, body: bodySource };
  const render = constant
    ? () => constant
    : (scope: Record<string, unknown>, env: EvalEnv): RenderedResponse => {
        const code = constantStatus ?? renderedStatus(status.render(scope, env));
        if (typeof code !== "number") return badStatus(code.rendered, `${base}.status`);
        return { status: code, headers: constantHeaders ?? toHeaders(headers.render(scope, env)), body: body.render(scope, env) };
      };
  const withType = new Map<string, Record<string, string>>();
  const withContentType = (h: Record<string, string>, contentType: string | null): Record<string, string> => {
    if (!contentType || h["content-type"]) return h;
    if (h !== constantHeaders) return Object.assign({}, h, { "content-type": contentType });
    let merged = withType.get(contentType);
    if (!merged) withType.set(contentType, (merged = { ...h, "content-type": contentType }));
    return merged;
  };

  const script = config.script ?? null;
  let fixed: CompiledRoute["fixed"] = null;
  if (constant && !script) {
    const { text, contentType } = serializeBody(constant.body);
    const headers = withContentType(constant.headers, contentType);
    fixed = { status: constant.status, headers, wireHeaders: { ...headers, "content-length": Buffer.byteLength(text) }, body: text, value: constant.body };
  }

  return {
    id,
    method,
    path: config.path,
    config,
    fixed,
    delayMs: response.delay_ms ?? 0,
    verify: config.verify ? compileRouteVerify(config.verify) : null,
    webhooks: (config.webhooks ?? []).map((w, i) => ({
      config: w,
      call: compileOutboundCall(w, `routes[${id}].webhooks[${i}]`),
    })),
    script,
    templated,
    addedAtRunTime,
    render,
    withContentType,
  };
}

function toStatus(v: unknown): number {
  const n = renderedStatus(v);
  return typeof n === "number" ? n : 500;
}

/** The HTTP status a rendered status template gave, or what it gave instead. */
function renderedStatus(v: unknown): number | { rendered: unknown } {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 100 && n <= 599 ? n : { rendered: v };
}

/**
 * A status template that rendered no HTTP status (`"abc"`, empty for a missing value): the
 * client gets a 500 that says why, in the coded error body, instead of a bare 500 with the
 * route's body; the engine notes it on the journal entry and logs it.
 */
function badStatus(rendered: unknown, path: string): RenderedResponse {
  const shown = rendered === undefined ? "nothing" : JSON.stringify(rendered) ?? String(rendered);
  const error = new MockForgeError("MFG_ERR_ROUTE_STATUS", `${path} rendered ${shown}, which is not an HTTP status (an integer from 100 to 599)`, {
    path,
    hint: "Make the template give a number (`{{request.query.code ? request.query.code : 200}}`), or check the names it reads in the journal entry's notes.",
  });
  return { status: 500, headers: {}, body: error.toJSON(), error };
}

function toHeaders(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === "object") {
    for (const [k, val] of Object.entries(v)) if (val !== undefined && val !== null) out[k.toLowerCase()] = String(val);
  }
  return out;
}

export type { Template };
