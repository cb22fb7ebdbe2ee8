/**
 * Turns what a worker reported into the `ScriptResult` callers get: the label goes into the
 * error message, the state read back from the sandbox replaces the inputs, and a response the
 * script changed is checked before anyone sends it.
 */
import type { ScriptError, ScriptErrorCode, ScriptHttpCallRecord, ScriptInput, ScriptLogLine, ScriptResponse, ScriptResult } from "./script-types.js";
import type { SandboxError, SandboxStateText } from "./worker-protocol.js";

/** Codes whose worker message is a phrase ("exceeded its time limit …") rather than an error text. */
const PHRASE_CODES = new Set<ScriptErrorCode>(["MFG_ERR_SCRIPT_TIMEOUT", "MFG_ERR_SCRIPT_MEMORY", "MFG_ERR_SCRIPT_STOPPED"]);

/** "Script route POST /orders failed at line 3:7: TypeError: …", "Script … exceeded its time limit of 5000 ms at line 2:1 (hint)" */
export function toScriptError(e: SandboxError, label: string, timeoutKey = "scripting.timeout_ms"): ScriptError {
  const at = e.line !== undefined ? ` at line ${e.line}:${e.column ?? 1}` : "";
  const why = [limitHint(e, timeoutKey), e.hint].filter(Boolean).join("; ");
  const hint = why ? ` (${why})` : "";
  const message = PHRASE_CODES.has(e.code) ? `Script ${label} ${e.message}${at}${hint}` : `Script ${label} failed${at}: ${e.message}${hint}`;
  const out: ScriptError = { code: e.code, message, label };
  if (e.line !== undefined) out.line = e.line;
  if (e.column !== undefined) out.column = e.column;
  return out;
}

/**
 * A limit's hint names the key that raises it for this script: the worker does not know where
 * the script came from, and `timeout_ms` alone is a key routes do not have.
 */
function limitHint(e: SandboxError, timeoutKey: string): string | undefined {
  if (e.code === "MFG_ERR_SCRIPT_TIMEOUT") return `raise ${timeoutKey}`;
  if (e.code === "MFG_ERR_SCRIPT_MEMORY") return "raise scripting.memory_mb";
  return undefined;
}

export interface RawOutcome {
  error: SandboxError | null;
  logs: ScriptLogLine[];
  logsDropped: number;
  /** Null when the sandbox could not be read back: the inputs are returned unchanged. */
  state: SandboxStateText | null;
  httpCalls: ScriptHttpCallRecord[];
  durationMs: number;
}

export function buildScriptResult(input: ScriptInput, raw: RawOutcome): ScriptResult {
  let error = raw.error;
  const state = raw.state;
  const chainContext = parseJson(state?.chainContext ?? null);
  const variables = parseJson(state?.variables ?? null);
  let response = input.response;
  const changed = parseJson(state?.response ?? null);
  if (changed !== undefined && changed !== null) {
    const checked = checkResponse(changed);
    if (typeof checked === "string") error ??= { code: "MFG_ERR_SCRIPT_RUNTIME", message: checked };
    else response = checked;
  }
  const result: ScriptResult = {
    ok: error === null,
    error: error ? toScriptError(error, input.label, input.timeoutKey) : null,
    logs: raw.logs,
    logsDropped: raw.logsDropped,
    chainContext: isPlainObject(chainContext) ? chainContext : (input.chainContext ?? {}),
    variables: isPlainObject(variables) ? variables : (input.variables ?? {}),
    returnValue: parseJson(state?.returnValue ?? null) ?? null,
    httpCalls: raw.httpCalls,
    durationMs: raw.durationMs,
  };
  if (response !== undefined) result.response = response;
  return result;
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The response as the script left it, or what is wrong with it. Header values are stringified. */
function checkResponse(r: unknown): ScriptResponse | string {
  if (!isPlainObject(r)) return "mockforge.response must stay an object {status, headers, body}";
  const status = r.status;
  if (typeof status !== "number" || !Number.isInteger(status) || status < 100 || status > 599) {
    return `mockforge.response.status must be an integer from 100 to 599, got ${JSON.stringify(status)}`;
  }
  const headers: Record<string, string> = {};
  if (r.headers !== undefined && r.headers !== null) {
    if (!isPlainObject(r.headers)) return "mockforge.response.headers must be an object of name: value";
    for (const [k, v] of Object.entries(r.headers)) {
      if (v === null || v === undefined) continue;
      if (typeof v === "object") return `mockforge.response.headers['${k}'] must be a string, got ${JSON.stringify(v)}`;
      headers[k] = String(v);
    }
  }
  return { status, headers, body: r.body };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
