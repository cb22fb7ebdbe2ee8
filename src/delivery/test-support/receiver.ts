/**
 * A real node:http receiver on 127.0.0.1:0 for delivery tests. Each request is recorded and
 * answered by the current `handler`; tests await `waitForCount(n)` (an event, not a sleep).
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { systemClock } from "../../core/clock.js";

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type ReceiverHandler = (req: ReceivedRequest, res: ServerResponse, raw: IncomingMessage) => void;

export interface Receiver {
  readonly url: string;
  readonly port: number;
  readonly received: ReceivedRequest[];
  handler: ReceiverHandler;
  /** Resolves once `n` requests have arrived in total; rejects after `timeoutMs` (real time, a test guard). */
  waitForCount(n: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export const answer =
  (status: number, body = "", headers: Record<string, string> = {}): ReceiverHandler =>
  (_req, res) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body);
  };

/** Starts a receiver. `port` reuses a fixed port (restart tests). */
export async function startReceiver(handler: ReceiverHandler = answer(200, "{}"), port = 0): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((raw, res) => {
    const chunks: Buffer[] = [];
    raw.on("data", (c: Buffer) => chunks.push(c));
    raw.on("end", () => {
      const req: ReceivedRequest = { method: raw.method ?? "", url: raw.url ?? "", headers: raw.headers, body: Buffer.concat(chunks).toString("utf8") };
      received.push(req);
      self.handler(req, res, raw);
      for (const w of [...waiters]) {
        if (received.length >= w.n) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  const actual = (server.address() as AddressInfo).port;
  const self: Receiver = {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    received,
    handler,
    waitForCount(n, timeoutMs = 10_000) {
      if (received.length >= n) return Promise.resolve(received.slice());
      return new Promise((resolve, reject) => {
        // Real time on purpose: it only bounds a test that would otherwise hang.
        const guard = systemClock.setTimeout(
          () => reject(new Error(`receiver got ${received.length} of ${n} requests within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          n,
          resolve: () => {
            systemClock.clearTimeout(guard);
            resolve(received.slice());
          },
        });
      });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return self;
}
