import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  method: string;
  url: string;
  path: string;
  headers: IncomingMessage["headers"];
  text: string;
  body: unknown;
  at: number;
}

type Responder = (r: Received) => { status: number; body?: unknown; headers?: Record<string, string> } | "hang" | "reset";

/**
 * A real webhook receiver on 127.0.0.1:0 for end-to-end tests. It records every request and
 * lets a test await "N requests matching P" (event-driven, bounded by a timeout), so no test
 * sleeps. `respond` decides the answer per request (status, hang, or a reset connection).
 */
export class Receiver {
  readonly received: Received[] = [];
  private server: Server | null = null;
  private waiters: { pred: (r: Received) => boolean; count: number; resolve: (r: Received[]) => void }[] = [];
  respond: Responder = () => ({ status: 200, body: { ok: true } });
  url = "";

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          /* keep text */
        }
        const url = req.url ?? "/";
        const r: Received = { method: req.method ?? "GET", url, path: url.split("?")[0]!, headers: req.headers, text, body, at: performance.now() };
        const answer = this.respond(r);
        this.received.push(r);
        this.notify();
        if (answer === "hang") return;
        if (answer === "reset") {
          req.socket.destroy();
          return;
        }
        const out = answer.body === undefined ? "" : typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
        res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
        res.end(out);
      });
    });
    await new Promise<void>((r) => this.server!.listen(port, "127.0.0.1", () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** Resolves once `count` received requests match; rejects after `timeoutMs` with what arrived. */
  waitFor(pred: (r: Received) => boolean, count = 1, timeoutMs = 10_000): Promise<Received[]> {
    const now = this.received.filter(pred);
    if (now.length >= count) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`receiver: saw ${this.received.filter(pred).length} of ${count} matching requests in ${timeoutMs} ms; all: ${JSON.stringify(this.received.map((r) => `${r.method} ${r.url}`))}`));
      }, timeoutMs);
      const waiter = {
        pred,
        count,
        resolve: (r: Received[]) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Waits for `count` requests to `path`. */
  waitForPath(path: string, count = 1, timeoutMs = 10_000): Promise<Received[]> {
    return this.waitFor((r) => r.path === path, count, timeoutMs);
  }

  private notify(): void {
    for (const w of [...this.waiters]) {
      const m = this.received.filter(w.pred);
      if (m.length >= w.count) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(m);
      }
    }
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}
