/**
 * A scripted `DeliveryEngine` for executor unit tests: every `send` is recorded and answered by
 * the test (`reply`), so tests control exactly when each link's call ends. Only `send` is used
 * by chains; the other methods throw so an accidental use is loud.
 */
import { MockForgeError } from "../../core/errors.js";
import type { DeliveryEngine, DeliveryOptions, DeliveryResult, OutboundRequest } from "../../delivery/types.js";

export interface PendingSend {
  request: OutboundRequest;
  options: DeliveryOptions;
  reply(status: number, body?: unknown, headers?: Record<string, string>): void;
  fail(code: string, message: string, attempts?: number): void;
}

export interface FakeDeliveries extends DeliveryEngine {
  readonly sent: PendingSend[];
  /** Answers every call at once with this, instead of leaving it pending. */
  auto: ((request: OutboundRequest) => { status: number; body?: unknown; headers?: Record<string, string> }) | null;
  /** Resolves when `n` calls have been made in total. */
  waitForSends(n: number): Promise<PendingSend[]>;
  /** Calls currently waiting for an answer. */
  readonly inFlight: number;
}

export function fakeDeliveries(): FakeDeliveries {
  const sent: PendingSend[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let inFlight = 0;
  let seq = 0;
  const notSupported = () => {
    throw new Error("fakeDeliveries: only send() is implemented");
  };
  const self: FakeDeliveries = {
    sent,
    auto: null,
    get inFlight() {
      return inFlight;
    },
    waitForSends(n) {
      if (sent.length >= n) return Promise.resolve(sent);
      return new Promise((resolve) => waiters.push({ n, resolve: () => resolve(sent) }));
    },
    send(request, options) {
      const id = `dlv_${++seq}`;
      inFlight++;
      return new Promise<DeliveryResult>((resolve, reject) => {
        let settled = false;
        const done = (r: DeliveryResult) => {
          if (settled) return;
          settled = true;
          inFlight--;
          resolve(r);
        };
        const base = { deliveryId: id, webhookId: `msg_${seq}`, rawBody: "", durationMs: 1 };
        const pending: PendingSend = {
          request,
          options,
          reply: (status, body = {}, headers = { "content-type": "application/json" }) =>
            done({ ...base, ok: status < 400, status, headers, body, attempts: 1, error: null }),
          fail: (code, message, attempts = 1) => done({ ...base, ok: false, status: 0, headers: {}, body: null, attempts, error: { code, message } }),
        };
        options.signal?.addEventListener("abort", () => {
          if (settled) return;
          settled = true;
          inFlight--;
          reject(new MockForgeError("MFG_ERR_DELIVERY_ABORTED", `${request.url}: cancelled by the caller`));
        });
        sent.push(pending);
        for (const w of [...waiters]) if (sent.length >= w.n) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
        if (self.auto) {
          const a = self.auto(request);
          pending.reply(a.status, a.body, a.headers);
        }
      });
    },
    enqueue: notSupported,
    replay: notSupported,
    waitFor: notSupported,
    drain: notSupported,
    start: notSupported,
    stop: notSupported,
  };
  return self;
}
