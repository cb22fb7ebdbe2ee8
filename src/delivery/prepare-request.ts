/**
 * Renders a templated outbound request into the exact request to send. The body is rendered
 * first, so header templates can sign the real bytes: `X-Signature: "{{hmac_sha256(env.SECRET,
 * body)}}"`, where `body` is the text that goes on the wire.
 *
 * The rule, the same for every outbound call (route webhooks, chain links, hook and rule
 * `http_request`/`webhook` actions): in a HEADER template, `body` is the exact outbound body text
 * (`""` when there is none), whatever `body` means elsewhere in that caller's scope (a rule's
 * scope has the triggering request's body there; templates reach it as `request.body`).
 * `renderBodyThenHeaders` is the one implementation; every outbound call renders through it
 * (actions/outbound-call.ts).
 */
import { MockForgeError } from "../core/errors.js";
import type { EvalEnv } from "../expr/index.js";
import { compileBodyTemplate, compileTemplate, pinClock, type Template } from "../template/index.js";
import { checkDeliveryUrl, findHeader, headerText, serializeBody } from "./outbound-request.js";

/** Anything compiled that renders a config value over a scope (a `Template`, a chain's `LinkTemplate`). */
export interface Renderable {
  render(scope: Record<string, unknown>, env: EvalEnv): unknown;
  /** Renders JSON text (a JSON-text string body, sent as written): label it JSON. */
  readonly json?: boolean;
}

/** The body as rendered. */
export interface SentBody {
  /** The rendered value, as the template made it (undefined for no body). */
  value: unknown;
  /**
   * The body as data: `value`, except that with `parseJsonText` a string that is JSON text is the
   * value it holds (for callers that show the body and read into it, as `request.body.x`).
   */
  data: unknown;
  /** The exact text sent; null for no body. */
  text: string | null;
  /** True when the body is JSON (a value, or JSON text under `parseJsonText`). */
  json: boolean;
}

export interface BodyAndHeaders {
  body: SentBody;
  /** Header values as text, plus `content-type: application/json` for a JSON body that names none. */
  headers: Record<string, string>;
}

export interface BodyThenHeadersOptions {
  /** Treat a rendered string that is JSON text (object or array) as JSON: parse it into `data` (it is still sent byte for byte). */
  parseJsonText?: boolean;
  /**
   * Extra names for the header templates, given the rendered body (a chain's first link adds its
   * own request as `request.*`). `body` always stays the exact text.
   */
  headerScope?: (body: SentBody) => Record<string, unknown>;
}

/** JSON text that parses to an object or array, else undefined. */
function parseJsonText(s: string): unknown {
  const t = s.trimStart();
  if (!t.startsWith("{") && !t.startsWith("[")) return undefined;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Renders the body, then the headers over `scope` plus `body` = the exact body text, so a
 * custom signature header signs what is sent. When a caller hands `body.value` (not the text)
 * to the delivery engine, the engine's `JSON.stringify` of that same value gives the same text.
 *
 * @example
 * const r = renderBodyThenHeaders({ body: compileTemplate({ n: 1 }), headers: compileTemplate({ "X-Sig": "{{hmac_sha256('k', body)}}" }) }, {}, env);
 * // r.body.text === '{"n":1}', r.headers["X-Sig"] === hmac_sha256("k", '{"n":1}'), r.headers["content-type"] === "application/json"
 */
export function renderBodyThenHeaders(
  templates: { body: Renderable | null; headers: Renderable | null },
  scope: Record<string, unknown>,
  env: EvalEnv,
  options: BodyThenHeadersOptions = {},
): BodyAndHeaders {
  // One instant for the body and the headers: a header signing `now_unix` and the body agree.
  env = pinClock(env);
  const rendered = templates.body ? templates.body.render(scope, env) : undefined;
  const serial = serializeBody(rendered);
  const body: SentBody = { value: rendered, data: rendered, text: serial.text, json: serial.json };
  if ((options.parseJsonText || templates.body?.json) && typeof rendered === "string") {
    const parsed = parseJsonText(rendered);
    if (parsed !== undefined) {
      body.data = parsed;
      body.json = true;
    }
  }
  const headers: Record<string, string> = {};
  if (templates.headers) {
    // `body` last: whatever the caller's scope calls `body`, a header template signs the wire text.
    const headerScope = Object.assign({}, scope, options.headerScope?.(body), { body: body.text ?? "" });
    const out = templates.headers.render(headerScope, env);
    if (out && typeof out === "object") for (const [k, v] of Object.entries(out)) headers[k] = headerText(v);
  }
  if (body.json && findHeader(headers, "content-type") === undefined) headers["content-type"] = "application/json";
  return { body, headers };
}
