/**
 * Builds the `ScriptHttpCall` for `mockforge.http.*` from the script's arguments (already
 * copied out of the sandbox as JSON values). Wrong arguments and unknown options throw a
 * TypeError the script sees at the line of the call; nothing is silently ignored.
 */
import type { ScriptHttpCall } from "../script-types.js";

const OPTION_KEYS = ["headers", "retry", "signing", "timeout_ms"];
const REQUEST_KEYS = ["method", "url", "body", ...OPTION_KEYS];

/** `get(url, options)`, `post(url, body, options)`, … */
export function httpCallFromArgs(fn: string, method: string, url: unknown, body: unknown, options: unknown): ScriptHttpCall {
  const o = objectArg(`mockforge.http.${fn}`, "options", options, OPTION_KEYS);
  return build(`mockforge.http.${fn}`, method, url, body, o);
}

/** `request({ method, url, headers, body, retry, signing, timeout_ms })` */
export function httpCallFromRequest(req: unknown): ScriptHttpCall {
  if (req === undefined) throw new TypeError(`mockforge.http.request needs an object {${REQUEST_KEYS.join(", ")}}`);
  const r = objectArg("mockforge.http.request", "its argument", req, REQUEST_KEYS);
  const method = r.method === undefined ? "GET" : r.method;
  if (typeof method !== "string" || method === "") throw new TypeError("mockforge.http.request: method must be a string such as \"POST\"");
  return build("mockforge.http.request", method.toUpperCase(), r.url, r.body, r);
}

function build(fn: string, method: string, url: unknown, body: unknown, o: Record<string, unknown>): ScriptHttpCall {
  if (typeof url !== "string" || url === "") throw new TypeError(`${fn}: the url must be a non-empty string`);
  const call: ScriptHttpCall = { method, url };
  if (o.headers !== undefined) call.headers = headersArg(fn, o.headers);
  if (body !== undefined) call.body = body;
  const options: NonNullable<ScriptHttpCall["options"]> = {};
  if (o.retry !== undefined) options.retry = o.retry;
  if (o.signing !== undefined) options.signing = o.signing;
  if (o.timeout_ms !== undefined) {
    if (typeof o.timeout_ms !== "number" || !(o.timeout_ms > 0)) throw new TypeError(`${fn}: timeout_ms must be a positive number of milliseconds`);
    options.timeout_ms = o.timeout_ms;
  }
  if (Object.keys(options).length > 0) call.options = options;
  return call;
}

function objectArg(fn: string, what: string, v: unknown, known: string[]): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) throw new TypeError(`${fn}: ${what} must be an object {${known.join(", ")}}`);
  for (const k of Object.keys(v)) {
    if (!known.includes(k)) throw new TypeError(`${fn}: unknown option '${k}' (known: ${known.join(", ")})`);
  }
  return v as Record<string, unknown>;
}

function headersArg(fn: string, h: unknown): Record<string, string> {
  if (h === null || typeof h !== "object" || Array.isArray(h)) throw new TypeError(`${fn}: headers must be an object of name: value`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === null || v === undefined) continue;
    if (typeof v === "object") throw new TypeError(`${fn}: header '${k}' must be a string, got ${JSON.stringify(v)}`);
    out[k] = String(v);
  }
  return out;
}
