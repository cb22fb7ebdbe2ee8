/**
 * One attempt of one delivery: sign, send, classify, decide what comes next, record the
 * attempt. Shared by queued and awaited deliveries; the caller moves the delivery's status.
 */
import type { Clock } from "../core/clock.js";
import { describeError, isMockForgeError, MockForgeError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import type { Random } from "../core/random.js";
import type { AttemptRecord, DeliveryRecord, DeliveryStatus, Storage, StoredRequest } from "../storage/ports.js";
import { attemptSettings, type DeliveryDefaults } from "./delivery-options.js";
import type { HttpClient } from "./http-client.js";
import type { HttpResponse } from "./send-errors.js";
import { classifyOutcome, nextDelay, parseRetryAfter } from "./retry-policy.js";
import { attemptHeaders } from "./signing/attempt-headers.js";
import { checkDeliveryUrl, findHeader, setHeader } from "./outbound-request.js";
import type { SigningOptions } from "./types.js";

export interface AttemptDeps {
  storage: Storage;
  http: HttpClient;
  clock: Clock;
  random: Random;
  defaults: DeliveryDefaults;
  /** Refuses calls to this server's own admin API (self-admin-guard.ts); absent outside a server. */
  selfAdmin?: (url: string) => MockForgeError | null;
  /** What `{{env.NAME}}` in a signing secret reads. */
  env: Readonly<Record<string, string | undefined>>;
}

export interface AttemptOutcome {
  attempt: AttemptRecord;
  /** Where the delivery goes: `retry` means another attempt after `delayMs`. */
  next: "retry" | Extract<DeliveryStatus, "succeeded" | "failed" | "dead">;
  delayMs: number | null;
  response: HttpResponse | null;
  error: { code: string; message: string } | null;
}

/**
 * The request exactly as this attempt sends it: the stored request (body bytes fixed at queue
 * time) plus the headers of the signing scheme, signed now: `nowMs` is the attempt's one clock
 * read, shared by the timestamp header and the signed string. Unsigned, it carries
 * `webhook-id` (stable: the delivery's) and a fresh `webhook-timestamp`.
 */
export function requestAsSent(record: DeliveryRecord, signing: SigningOptions | undefined, nowMs: number, env: AttemptDeps): StoredRequest {
  const headers = { ...record.request.headers };
  const { signed, extra } = attemptHeaders(signing, record.webhookId, nowMs, record.request.body ?? "", env);
  for (const [k, v] of Object.entries(extra)) if (findHeader(headers, k) === undefined) headers[k] = v;
  for (const [k, v] of Object.entries(signed)) setHeader(headers, k, v);
  return Object.assign({}, record.request, { headers });
}

/**
 * Runs attempt number `record.attemptCount + 1` (a claimed record's count is derived from the
 * stored attempts, see DeliveryStore.claimDue) and records it (unless `store` is false: an
 * awaited call writes its attempts with the delivery when it ends), once `stored` says the
 * delivery's own row is committed. `exchanged` is called as soon as the HTTP exchange is
 * over. `abandon` says whether an abort means "engine stopping" (nothing is recorded, the
 * delivery stays in flight for the next start) rather than a cancelled caller; then this
 * resolves to null.
 */
export async function performAttempt(deps: AttemptDeps, record: DeliveryRecord, run: AttemptRun = {}): Promise<AttemptOutcome | null> {
  const { clock, random } = deps;
  const { signal, abandon, store = true, stored = Promise.resolve(), exchanged = () => undefined } = run;
  const settings = attemptSettings(record, deps.defaults);
  const number = record.attemptCount + 1;
  const startedAt = clock.now();
  const t0 = clock.monotonic();
  let sent: StoredRequest = record.request;
  let response: HttpResponse | null = null;
  let error: MockForgeError | null = null;
  try {
    sent = requestAsSent(record, settings.signing, startedAt, deps);
    error = checkDeliveryUrl(sent.url) ?? deps.selfAdmin?.(sent.url) ?? null;
    if (!error) response = await deps.http.send(sent, { timeoutMs: settings.timeoutMs, connectTimeoutMs: settings.connectTimeoutMs, signal });
  } catch (e) {
    error = e instanceof MockForgeError ? e : new MockForgeError("MFG_ERR_DELIVERY_CONNECT", describeError(e).message, {}, { cause: e });
  }
  exchanged();
  const interrupted = error?.code === "MFG_ERR_DELIVERY_STOPPED" || error?.code === "MFG_ERR_DELIVERY_ABORTED";
  if (interrupted && abandon?.()) return null;
  const durationMs = Math.max(0, clock.monotonic() - t0);
  const described = error ? describeError(error) : null;
  const klass = classifyOutcome(response ? { status: response.status } : { error: described! });
  const retryAfter = response ? parseRetryAfter(response.headers["retry-after"], clock.now()) : undefined;
  const numbered = (n: number): AttemptOutcome => {
    const next: AttemptOutcome["next"] =
      klass === "success" ? "succeeded" : klass === "final" ? "failed" : n < settings.policy.maxAttempts ? "retry" : "dead";
    const delayMs = next === "retry" ? nextDelay(n, settings.policy, random, retryAfter) : null;
    const attempt: AttemptRecord = {
      id: newId("att", startedAt, random),
      deliveryId: record.id,
      number: n,
      startedAt,
      durationMs: Math.round(durationMs * 1000) / 1000,
      request: sent,
      response: response ? { status: response.status, headers: response.headers, body: response.body, truncated: response.truncated } : null,
      error: described,
      retryable: klass === "retryable",
      nextDelayMs: delayMs,
    };
    return { attempt, next, delayMs, response, error: described };
  };
  if (!store) return numbered(number);
  await stored;
  return recordNumbered(deps, record.id, number, numbered);
}

/** How one attempt runs; see `performAttempt`. */
export interface AttemptRun {
  signal?: AbortSignal | undefined;
  /** True when an abort means "engine stopping": nothing is recorded and this resolves to null. */
  abandon?: () => boolean;
  /** False: the attempt is returned, not written (an awaited call writes its attempts at its end). Default true. */
  store?: boolean;
  /** Resolves once the delivery's own row is committed; the attempt is written after it. */
  stored?: Promise<unknown>;
  /** Called as soon as the HTTP exchange is over (the dispatcher's slot is free again). */
  exchanged?: () => void;
}

/** How often a taken attempt number is re-derived before the conflict is reported. */
const NUMBER_TRIES = 5;

/**
 * Records the attempt as number `first`, or, when storage already has that number (another
 * member took the delivery over while this attempt ran: its lease had run out), as the next
 * free one after what is stored. Numbers are unique per delivery in storage; the retry
 * decision follows the number the attempt is recorded under.
 */
async function recordNumbered(deps: AttemptDeps, deliveryId: string, first: number, numbered: (n: number) => AttemptOutcome): Promise<AttemptOutcome> {
  let n = first;
  for (let i = 1; ; i++) {
    const outcome = numbered(n);
    try {
      await deps.storage.deliveries.addAttempt(outcome.attempt);
      return outcome;
    } catch (e) {
      if (!isMockForgeError(e, "MFG_ERR_ATTEMPT_EXISTS") || i >= NUMBER_TRIES) throw e;
    }
    const stored = await deps.storage.deliveries.attempts(deliveryId);
    n = Math.max(n, ...stored.map((a) => a.number)) + 1;
  }
}

/** The one-line reason kept on the delivery (`lastError`). */
export function lastErrorText(outcome: AttemptOutcome): string | null {
  if (outcome.error) return `${outcome.error.code}: ${outcome.error.message}`;
  if (outcome.next === "succeeded") return null;
  return `HTTP ${outcome.response?.status}`;
}
