/**
 * Outbound HTTP for all of MockForge (SPEC §3): the delivery engine (durable outbox, retries,
 * signing, attempt records, replay), and the pure pieces it is made of.
 */

// The contract every caller codes against.
export type {
  DeliveryEngine,
  DeliveryOptions,
  DeliveryResult,
  DeliveryWaitFilter,
  OutboundRequest,
  RetryOptions,
  SigningOptions,
} from "./types.js";

// The engine.
export { createDeliveryEngine } from "./delivery-engine.js";
export type { DeliveryEngineOptions, MockForgeDeliveryEngine } from "./delivery-engine.js";
export type { SelfAddress } from "./self-admin-guard.js";
export type { DeliveryDefaults, StoredDeliveryOptions } from "./delivery-options.js";
export { INTERRUPTED_REASON } from "./restart-recovery.js";

// Rendering templated requests.
export { renderBodyThenHeaders } from "./prepare-request.js";
export { assertDeliveryUrl, checkDeliveryUrl, toStoredRequest } from "./outbound-request.js";

// Retry policy.
export { classifyOutcome, DEFAULT_RETRY_POLICY, nextDelay, parseRetryAfter, resolvePolicy } from "./retry-policy.js";
export type { DeliveryMode, OutcomeClass, RetryPolicy } from "./retry-policy.js";

// Signing: the schemes as data (presets and custom), one signer and one verifier for all.
export { signHeaders, signingSecrets, verifySignature } from "./signing.js";
export type { SignatureHeaders, VerifyInput, VerifyResult } from "./signing.js";
export { customScheme, PRESETS, schemeOf } from "./signing/presets.js";
export type { SchemeDef, SignatureHeaderDef } from "./signing/scheme.js";
export { signScheme } from "./signing/sign-scheme.js";
export type { SchemeHeaders, SignInput } from "./signing/sign-scheme.js";
export { verifyScheme } from "./signing/verify-scheme.js";
export type { SchemeVerifyInput, SchemeVerifyResult, VerifyReason } from "./signing/verify-scheme.js";
export { attemptHeaders, renderSecrets } from "./signing/attempt-headers.js";

// Trace header (loop guard).
export { formatTraceHeader, parseTraceHeader, TRACE_HEADER } from "./trace-header.js";
export type { TraceContext } from "./trace-header.js";

// HTTP client.
export { createHttpClient, MAX_RESPONSE_BYTES } from "./http-client.js";
export type { HttpClient, HttpClientOptions, SendOptions } from "./http-client.js";
export type { HttpResponse } from "./send-errors.js";
