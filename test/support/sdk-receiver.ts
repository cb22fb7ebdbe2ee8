import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as a provider's webhook handler saw it, with the SDK's verdict at arrival. */
export interface Checked {
  path: string;
  headers: IncomingMessage["headers"];
  raw: string;
  /** null: the SDK accepted it; else the SDK's error. */
  rejected: string | null;
}

/** Runs the provider SDK's check inside the request handler (Shopify's needs the live request). Resolves to null or why not. */
export type SdkCheck = (raw: string, req: IncomingMessage, res: ServerResponse) => Promise<string | null>;

/**
 * A webhook receiver on 127.0.0.1:0 whose routes verify with the providers' official SDKs, as
 * an app's own handlers do: a request the SDK accepts is answered 200 (or what `plan` says
 * for the path next), one it refuses 400. `onReceive` runs before the answer is written.
 */
export class SdkReceiver {
  readonly received: Checked[] = [];
  url = "";
  /** Statuses to answer next, per path, before falling back to the verdict. */
  readonly plan = new Map<string, number[]>();
  onReceive: (c: Checked) => void = () => undefined;
  private server: Server | null = null;
  private waiters: { path: string; count: number; resolve: () => void }[] = [];

  constructor(private readonly checks: Record<string, SdkCheck>) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => void this.handle(req, res, Buffer.concat(chunks).toString("utf8")));
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private async handle(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    const path = (req.url ?? "/").split("?")[0]!;
    const check = this.checks[path] as SdkCheck | undefined;
    let rejected: string | null = check ? null : `no check for ${path}`;
    if (check) {
      try {
        rejected = await check(raw, req, res);
      } catch (e) {
        rejected = (e as Error).message;
      }
    }
    const c: Checked = { path, headers: req.headers, raw, rejected };
    this.onReceive(c);
    const planned = this.plan.get(path)?.shift();
    res.writeHead(planned ?? (rejected ? 400 : 200), { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: rejected === null }));
    this.received.push(c);
    for (const w of [...this.waiters]) {
      if (this.of(w.path).length >= w.count) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  of(path: string): Checked[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Resolves with the path's requests once there are `count` of them (rejects after `timeoutMs`). */
  waitFor(path: string, count: number, timeoutMs = 10_000): Promise<Checked[]> {
    if (this.of(path).length >= count) return Promise.resolve(this.of(path));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${path}: ${this.of(path).length} of ${count} requests after ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ path, count, resolve: () => (clearTimeout(timer), resolve(this.of(path))) });
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}
