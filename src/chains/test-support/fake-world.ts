/**
 * End-to-end stand-ins on real sockets (127.0.0.1, port 0): an "api" server playing the server
 * under test (/api/orders, /api/payments, /api/events) and one server per `*.example.com` host a
 * seed chain names, all logging into one list. `seedChainText` rewrites a seed file's hosts to
 * these servers, changing nothing else. Waits are events, bounded in real time only as a guard.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { systemClock } from "../../core/clock.js";

export interface WorldRequest {
  host: string;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** Real monotonic ms when it arrived and when it was answered (or its socket closed). */
  arrivedAt: number;
  endedAt: number | null;
  /** True when the client went away before an answer (a cancelled call). */
  aborted: boolean;
}

export type WorldAnswer = { status: number; body?: unknown; headers?: Record<string, string> };
/** Answers a request now, or returns a promise (to hold it), or "hang" to never answer. */
export type WorldHandler = (req: WorldRequest) => WorldAnswer | Promise<WorldAnswer> | "hang";

export interface FakeWorld {
  /** Base URL of a host ("api" is the server under test). */
  url(host: string): string;
  readonly requests: WorldRequest[];
  handler: WorldHandler;
  /** Highest number of requests in flight at once, per host group (all hosts together). */
  readonly maxInFlight: number;
  /** Resolves when `pred` holds for the request log (checked on every arrival and end). */
  until(pred: (reqs: WorldRequest[]) => boolean, what: string, boundMs?: number): Promise<WorldRequest[]>;
  /** A URL on 127.0.0.1 where nothing listens (a host that is down). */
  readonly deadUrl: string;
  close(): Promise<void>;
}

/** The default answers of the server under test; every other host acknowledges with 200. */
export const defaultAnswers = (req: WorldRequest): WorldAnswer => {
  if (req.host === "api" && req.path === "/api/orders") return { status: 201, body: { id: "ord_1001", total: 59.98, status: "created" } };
  if (req.host === "api" && req.path === "/api/payments") return { status: 201, body: { id: "pay_2001", amount: 99.99, currency: "USD", status: "succeeded" } };
  if (req.host === "api" && req.path === "/api/events") return { status: 202, body: { id: "evt_3001", status: "accepted" } };
  return { status: 200, body: { received: true } };
};

async function listen(server: Server): Promise<string> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Starts the api server and one server per host in `hosts` (e.g. "webhooks" for webhooks.example.com). */
export async function startWorld(hosts: readonly string[]): Promise<FakeWorld> {
  const requests: WorldRequest[] = [];
  const watchers = new Set<() => void>();
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const urls = new Map<string, string>();
  let inFlight = 0;
  let maxInFlight = 0;
  const changed = () => {
    for (const w of [...watchers]) w();
  };

  const serve = (host: string) => async (raw: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of raw) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    const req: WorldRequest = { host, method: raw.method ?? "", path: (raw.url ?? "").split("?")[0]!, headers: raw.headers, body, arrivedAt: systemClock.monotonic(), endedAt: null, aborted: false };
    requests.push(req);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let ended = false;
    const end = (aborted: boolean) => {
      if (ended) return;
      ended = true;
      inFlight--;
      req.endedAt = systemClock.monotonic();
      req.aborted = aborted;
      changed();
    };
    res.on("close", () => end(!res.writableFinished));
    changed();
    const answer = self.handler(req);
    if (answer === "hang") return;
    const a = await answer;
    if (res.destroyed) return;
    res.writeHead(a.status, { "content-type": "application/json", ...(a.headers ?? {}) });
    res.end(a.body === undefined ? "" : JSON.stringify(a.body), () => end(false));
  };

  for (const host of ["api", ...hosts]) {
    const server = createServer((raw, res) => void serve(host)(raw, res));
    server.on("connection", (s) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    servers.push(server);
    urls.set(host, await listen(server));
  }
  const dead = createServer();
  const deadUrl = await listen(dead);
  await new Promise<void>((r) => dead.close(() => r()));

  const self: FakeWorld = {
    url: (host) => {
      const u = urls.get(host);
      if (!u) throw new Error(`fake world has no host '${host}'`);
      return u;
    },
    requests,
    handler: defaultAnswers,
    get maxInFlight() {
      return maxInFlight;
    },
    deadUrl,
    until(pred, what, boundMs = 10_000) {
      if (pred(requests)) return Promise.resolve(requests);
      return new Promise((resolve, reject) => {
        // Real time on purpose: it only fails a test that would otherwise hang.
        const guard = systemClock.setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`fake world: timed out after ${boundMs} ms waiting for ${what}`));
        }, boundMs);
        const check = () => {
          if (!pred(requests)) return;
          watchers.delete(check);
          systemClock.clearTimeout(guard);
          resolve(requests);
        };
        watchers.add(check);
      });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
  return self;
}

/** The `*.example.com` host names a text uses ("webhooks" for https://webhooks.example.com). */
export function exampleHosts(text: string): string[] {
  return [...new Set([...text.matchAll(/https:\/\/([a-z0-9-]+)\.example\.com/g)].map((m) => m[1]!))];
}

/**
 * Points a seed file's hosts at the world, as text: `https://<h>.example.com` → host h's server
 * (or `deadUrl` for hosts listed in `down`), `http://localhost:3000` → the api server.
 * `{{base_url}}` is left as written (the run's `baseUrl` is the api server).
 */
export function seedChainText(text: string, world: FakeWorld, down: readonly string[] = []): string {
  return text
    .replace(/https:\/\/([a-z0-9-]+)\.example\.com/g, (_m, h: string) => (down.includes(h) ? world.deadUrl : world.url(h)))
    .replace(/http:\/\/localhost:3000/g, world.url("api"));
}
