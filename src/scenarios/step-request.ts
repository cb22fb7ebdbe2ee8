/**
 * A scenario step's `request`: rendered over the run's variables, sent awaited through the
 * delivery engine, and turned into variables (`response_status`, `response_body`,
 * `error_message`, the `extract`ed names) for the hooks that follow.
 */
import type { StepRequestConfig } from "../config/schema/chaos.js";
import { applyExtractPath, parseExtractPath } from "../chains/extract-path.js";
import { describeError } from "../core/errors.js";
import { renderBodyThenHeaders } from "../delivery/prepare-request.js";
import type { EvalEnv } from "../expr/index.js";
import type { Headers } from "../storage/ports.js";
import { compileBodyTemplate, compileTemplate, type Template } from "../template/index.js";
import type { ExecutionContext } from "./execution-context.js";
import { resolveHttpUrl } from "../actions/resolve-against-base.js";
import type { HookServices } from "./hook-services.js";
import type { StepRequestReport } from "./scenario-report.js";

interface Compiled {
  url: Template;
  headers: Template;
  body: Template;
}

const cache = new WeakMap<StepRequestConfig, Compiled>();

export interface StepResponse {
  report: StepRequestReport;
  headers: Headers | null;
  body: unknown;
}

/**
 * Sends the request and sets the variables; never throws (a refused connection is a failed
 * request with `status` 0 and `error_message` set).
 *
 * @example
 * const { report } = await sendStepRequest(step.request, ctx, services, { source: "checkout/create_order", env });
 */
export async function sendStepRequest(
  request: StepRequestConfig,
  ctx: ExecutionContext,
  services: HookServices,
  opts: { source: string; env: EvalEnv; path?: string },
): Promise<StepResponse> {
  const started = services.clock.monotonic();
  const method = request.method.toUpperCase();
  const report: StepRequestReport = { method, url: request.url, status: 0, ok: false, deliveryId: null, durationMs: 0, extracted: {}, error: null };
  let headers: Headers | null = null;
  let body: unknown = null;
  try {
    const t = compiled(request, opts.path ?? "request");
    const scope = ctx.templateScope(services);
    report.url = resolveHttpUrl(String(t.url.render(scope, opts.env)), services.baseUrl);
    // Like every outbound call: header templates see `body` as the exact text sent.
    const rendered = renderBodyThenHeaders({ body: t.body, headers: t.headers }, scope, opts.env);
    const result = await services.deliveries.send(
      { method, url: report.url, headers: rendered.headers, ...(rendered.body.value === undefined ? {} : { body: rendered.body.value }) },
      {
        source: { kind: "scenario", id: opts.source },
        ...(request.retry ? { retry: request.retry } : {}),
        ...(request.timeout_ms ? { timeout_ms: request.timeout_ms } : {}),
        traceId: ctx.traceId,
        traceDepth: ctx.traceDepth,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      },
    );
    ctx.deliveries.push(result.deliveryId);
    report.deliveryId = result.deliveryId;
    report.status = result.status;
    report.error = result.error;
    headers = result.headers;
    body = result.body;
    report.ok = result.status > 0 && isExpected(result.status, request.expected_status);
  } catch (e) {
    report.error = describeError(e);
  }
  ctx.variables.response_status = report.status;
  ctx.variables.response_body = body;
  if (report.ok) delete ctx.variables.error_message;
  else ctx.variables.error_message = errorMessage(report, body);
  if (report.status > 0) extract(request, { status: report.status, headers: headers ?? {}, body }, ctx, report);
  report.durationMs = services.clock.monotonic() - started;
  return { report, headers, body };
}

function compiled(request: StepRequestConfig, path: string): Compiled {
  let c = cache.get(request);
  if (!c) {
    c = {
      url: compileTemplate(request.url, `${path}.url`),
      headers: compileTemplate(request.headers ?? {}, `${path}.headers`),
      body: compileBodyTemplate(request.body, `${path}.body`),
    };
    cache.set(request, c);
  }
  return c;
}

function isExpected(status: number, expected: number | number[] | undefined): boolean {
  if (expected === undefined) return status >= 200 && status < 400;
  return Array.isArray(expected) ? expected.includes(status) : expected === status;
}

function extract(request: StepRequestConfig, source: { status: number; headers: Headers; body: unknown }, ctx: ExecutionContext, report: StepRequestReport): void {
  for (const [name, path] of Object.entries(request.extract ?? {})) {
    const parsed = parseExtractPath(path);
    if ("error" in parsed) {
      ctx.warn(`extract '${name}': ${parsed.error}`);
      continue;
    }
    const value = applyExtractPath(parsed, source);
    if (value === undefined) ctx.warn(`extract '${name}': '${path}' found nothing in the response`);
    else {
      ctx.variables[name] = value;
      report.extracted[name] = value;
    }
  }
}

/** The answer's own message when it has one (`{"error": "…"}`), else what happened. */
function errorMessage(report: StepRequestReport, body: unknown): string {
  if (report.status === 0) return report.error?.message ?? "no response";
  if (body && typeof body === "object") {
    for (const k of ["message", "error", "error_message", "detail"]) {
      const v = (body as Record<string, unknown>)[k];
      if (typeof v === "string" && v) return v;
    }
  }
  return `${report.method} ${report.url} answered ${report.status}`;
}
