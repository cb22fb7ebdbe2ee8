/**
 * The one error catalogue. Every error MockForge raises on purpose carries a stable
 * `MFG_ERR_*` code so callers (tests, the admin API, the CLI) tell errors apart by code,
 * never by message text. The HTTP status is what the admin API answers with.
 *
 * To add a code: add one line to CATALOGUE, keeping the groups.
 */
export const CATALOGUE = {
  // config
  MFG_ERR_CONFIG_NOT_FOUND: { status: 400, title: "Config file not found" },
  MFG_ERR_CONFIG_PARSE: { status: 400, title: "Config file is not valid YAML/JSON" },
  MFG_ERR_CONFIG_INVALID: { status: 400, title: "Config does not match the schema" },
  MFG_ERR_CONFIG_UNKNOWN_KEY: { status: 400, title: "Unknown key in config" },
  // expressions and templates
  MFG_ERR_EXPR_SYNTAX: { status: 400, title: "Expression syntax error" },
  MFG_ERR_EXPR_FORBIDDEN: { status: 400, title: "Expression uses something it may not" },
  MFG_ERR_EXPR_EVAL: { status: 400, title: "Expression could not be evaluated" },
  MFG_ERR_EXPR_MISSING_NAME: { status: 400, title: "Expression refers to a missing name" },
  MFG_ERR_TEMPLATE_SYNTAX: { status: 400, title: "Template syntax error" },
  // routes and requests
  MFG_ERR_ROUTE_DUPLICATE: { status: 409, title: "Duplicate route" },
  MFG_ERR_ROUTE_NOT_FOUND: { status: 404, title: "Route not found" },
  MFG_ERR_ROUTE_INVALID: { status: 400, title: "Invalid route" },
  MFG_ERR_ROUTE_STATUS: { status: 500, title: "The route's status template did not render an HTTP status" },
  MFG_ERR_METHOD_NOT_ALLOWED: { status: 405, title: "The path is mocked, but not for this method" },
  MFG_ERR_BODY_TOO_LARGE: { status: 413, title: "Request body too large" },
  MFG_ERR_BAD_REQUEST: { status: 400, title: "Bad request" },
  MFG_ERR_LISTEN: { status: 500, title: "Cannot listen on the address" },
  MFG_ERR_NOT_FOUND: { status: 404, title: "Not found" },
  MFG_ERR_UNAUTHORIZED: { status: 401, title: "Admin token missing or wrong" },
  // admin surface and security (docs/security.md)
  MFG_ERR_FORBIDDEN_ORIGIN: { status: 403, title: "Refused: sent by another web site" },
  MFG_ERR_MISDIRECTED_HOST: { status: 421, title: "Refused: Host is not a loopback name (DNS rebinding)" },
  MFG_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "Admin writes take application/json only" },
  MFG_ERR_ADMIN_TOKEN_REQUIRED: { status: 400, title: "A non-loopback bind needs an admin token" },
  MFG_ERR_SELF_ADMIN_CALL: { status: 403, title: "Outbound call to this server's own admin API refused" },
  MFG_ERR_ENV_NOT_ALLOWED: { status: 400, title: "Reads an environment variable outside env_allowlist" },
  MFG_ERR_WAIT_TIMEOUT: { status: 408, title: "Timed out waiting" },
  // storage
  MFG_ERR_STORAGE: { status: 500, title: "Storage error" },
  MFG_ERR_STORAGE_UNSUPPORTED: { status: 400, title: "Unsupported storage" },
  MFG_ERR_STORAGE_UNAVAILABLE: { status: 503, title: "Storage unreachable" },
  MFG_ERR_STARTING: { status: 503, title: "The server is still starting" },
  MFG_ERR_STATE_CONFLICT: { status: 409, title: "Changed by another cluster member first" },
  MFG_ERR_STORAGE_LOCKED: { status: 409, title: "State file is owned by another process" },
  MFG_ERR_ATTEMPT_EXISTS: { status: 409, title: "That attempt number is already recorded for the delivery" },
  // delivery
  MFG_ERR_DELIVERY_INVALID_URL: { status: 400, title: "Invalid delivery URL" },
  MFG_ERR_DELIVERY_NOT_FOUND: { status: 404, title: "Delivery not found" },
  MFG_ERR_DELIVERY_CONNECT: { status: 502, title: "Could not connect" },
  MFG_ERR_DELIVERY_TIMEOUT: { status: 504, title: "Timed out" },
  MFG_ERR_DELIVERY_HTTP: { status: 502, title: "Receiver answered with an error status" },
  MFG_ERR_DELIVERY_STOPPED: { status: 503, title: "Delivery engine is stopped" },
  MFG_ERR_SIGNATURE_INVALID: { status: 400, title: "Signature does not verify" },
  // chains
  MFG_ERR_CHAIN_INVALID: { status: 400, title: "Invalid chain" },
  MFG_ERR_CHAIN_CYCLE: { status: 400, title: "Chain has a dependency cycle" },
  MFG_ERR_CHAIN_NOT_FOUND: { status: 404, title: "Chain not found" },
  MFG_ERR_CHAIN_TIMEOUT: { status: 504, title: "Chain run timed out" },
  MFG_ERR_CHAIN_RUN_NOT_FOUND: { status: 404, title: "Chain run not found" },
  MFG_ERR_CHAIN_FAILED: { status: 502, title: "A chain run failed (one of its links did)" },
  // scripts
  MFG_ERR_SCRIPT_SYNTAX: { status: 400, title: "Script syntax error" },
  MFG_ERR_SCRIPT_RUNTIME: { status: 500, title: "Script threw an error" },
  MFG_ERR_SCRIPT_TIMEOUT: { status: 504, title: "Script exceeded its time limit" },
  MFG_ERR_SCRIPT_MEMORY: { status: 507, title: "Script exceeded its memory limit" },
  MFG_ERR_SCRIPT_LIMIT: { status: 429, title: "Script exceeded a limit" },
  // scenarios and rules
  MFG_ERR_SCENARIO_NOT_FOUND: { status: 404, title: "Scenario not found" },
  // The answer carries the status the fault configured; 503 is only the catalogue's nominal one.
  MFG_ERR_CHAOS_INJECTED: { status: 503, title: "Fault injected by a chaos config" },
  MFG_ERR_SCENARIO_BUSY: { status: 409, title: "A scenario is already running" },
  MFG_ERR_SCENARIO_RUN_NOT_FOUND: { status: 404, title: "Scenario run not found" },
  MFG_ERR_RULE_INVALID: { status: 400, title: "Invalid consistency rule" },
  MFG_ERR_LOOP_SUPPRESSED: { status: 409, title: "Suppressed to avoid a loop" },
  MFG_ERR_DELIVERY_ABORTED: { status: 499, title: "Outbound call cancelled by its caller" },
  MFG_ERR_SCRIPT_STOPPED: { status: 503, title: "Script was stopped before it finished (cancelled or runtime closed)" },
  MFG_ERR_CHAIN_DUPLICATE: { status: 409, title: "A chain with this id already exists" },
  // OpenAPI specs (docs/openapi.md)
  MFG_ERR_OPENAPI_NOT_FOUND: { status: 400, title: "OpenAPI spec file cannot be read" },
  MFG_ERR_OPENAPI_PARSE: { status: 400, title: "OpenAPI spec is not valid YAML/JSON" },
  MFG_ERR_OPENAPI_TOO_LARGE: { status: 413, title: "OpenAPI spec file is too large" },
  MFG_ERR_OPENAPI_SWAGGER2: { status: 400, title: "Swagger 2.0 is not served; convert the spec to OpenAPI 3.x first" },
  MFG_ERR_OPENAPI_VERSION: { status: 400, title: "Unknown OpenAPI version" },
  MFG_ERR_OPENAPI_REF: { status: 400, title: "OpenAPI $ref cannot be resolved" },
  MFG_ERR_OPENAPI_INVALID: { status: 400, title: "OpenAPI spec does not have the expected shape" },
  MFG_ERR_OPENAPI_EXPRESSION: { status: 400, title: "OpenAPI runtime expression does not parse" },
  MFG_ERR_OPENAPI_UNKNOWN_EVENT: { status: 404, title: "No such OpenAPI webhook" },
  MFG_ERR_OPENAPI_EXAMPLE_NOT_FOUND: { status: 404, title: "No such example or response in the OpenAPI operation" },
  MFG_ERR_OPENAPI_NO_TARGET: { status: 400, title: "Webhook trigger has no target URL" },
  MFG_ERR_OPENAPI_REQUEST_INVALID: { status: 422, title: "Request does not match the OpenAPI operation" },
  // (add new codes above this line, in their group)
} as const;

export type ErrorCode = keyof typeof CATALOGUE;

/** Where in a config or script an error points at. All fields optional: fill what is known. */
export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: number;
  /** Config path such as `links[2].request.url`. */
  path?: string;
  /** 0-based character offset inside an expression or template. */
  position?: number;
}

export interface ErrorDetails extends ErrorLocation {
  /** What the user can do about it ("did you mean `method`?"). */
  hint?: string;
  [extra: string]: unknown;
}

/**
 * An error with a stable code. `message` says what failed and why; `details.hint` says
 * what to do. `toJSON()` is what the admin API sends.
 *
 * @example
 * throw new MockForgeError("MFG_ERR_CHAIN_NOT_FOUND", "Chain 'orders' is not loaded", { hint: "Known chains: a, b" });
 */
export class MockForgeError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MockForgeError";
    this.code = code;
    this.status = CATALOGUE[code].status;
    this.details = details;
  }

  /** One line for terminals: `file:line:col: message (at path) — hint`. */
  format(): string {
    const d = this.details;
    const where = d.file ? `${d.file}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ""}` : ""}: ` : "";
    const at = d.path ? ` (at ${d.path})` : "";
    const hint = d.hint ? `\n  hint: ${d.hint}` : "";
    return `${where}${this.code}: ${this.message}${at}${hint}`;
  }

  toJSON(): { error: { code: ErrorCode; message: string; details: ErrorDetails } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** True when `e` is a MockForgeError, optionally with the given code. */
export function isMockForgeError(e: unknown, code?: ErrorCode): e is MockForgeError {
  return e instanceof MockForgeError && (code === undefined || e.code === code);
}

/** A short, safe description of any thrown value, for records and logs. */
export function describeError(e: unknown): { code: string; message: string } {
  if (e instanceof MockForgeError) return { code: e.code, message: e.message };
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { code: typeof code === "string" ? code : e.name, message: e.message };
  }
  return { code: "UNKNOWN", message: String(e) };
}

/** The body of an unexpected failure: a stable code plus what the cause said. */
export function internalError(e: unknown): { code: "MFG_ERR_INTERNAL"; message: string; cause: string } {
  const d = describeError(e);
  return { code: "MFG_ERR_INTERNAL", message: d.message, cause: d.code };
}
