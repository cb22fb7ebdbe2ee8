import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { freePort, startChild, type Child } from "../lib/processes.js";

const REQUESTS = 10_000;
const PARALLEL = 32;

/**
 * Issue 15: `kill -9` under load loses no webhook of a request answered 2xx. 10,000 POSTs, each
 * firing one webhook, at a MockForge on a SQLite state file; at the half-way point the server is
 * killed with SIGKILL; it is started again on the same state and the rest are sent. Every request
 * answered 2xx must have its webhook arrive (at least once; duplicates counted, not lost).
 */
export async function crashSection(tmp: string): Promise<Record<string, unknown>> {
  const arrived = new Map<number, number>();
  const receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const n = Number((JSON.parse(body) as { n: unknown }).n);
      arrived.set(n, (arrived.get(n) ?? 0) + 1);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  const cfg = join(tmp, "crash.yaml");
  writeFileSync(
    cfg,
    `webhooks: { concurrency: 64, retry: { max_attempts: 50, initial_delay_ms: 100, max_delay_seconds: 1 } }
routes:
  - path: /api/orders
    method: POST
    response: { status: 201, body: { ok: true } }
    webhooks:
      - url: "http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks"
        body: { n: "{{request.body.n}}" }
`,
  );
  const port = await freePort();
  const state = join(tmp, "crash.db");
  const serve = () => startChild(process.execPath, ["bin/mockforge.js", "serve", "--config", cfg, "--port", String(port), "--state", state], /MockForge serving/, { MOCKFORGE_LOG_LEVEL: "info" }, 60_000);
  const status = new Map<number, number>();
  let server: Child | null = await serve();
  try {
    const t0 = performance.now();
    await fire(port, 0, REQUESTS / 2, status, (answered) => {
      // Killed once half the first batch is answered, with requests still in flight.
      if (answered === REQUESTS / 4 && server) {
        server.proc.kill("SIGKILL");
      }
    });
    await server.stop();
    server = await serve();
    await fire(port, REQUESTS / 2, REQUESTS, status, () => undefined);
    const accepted = [...status].filter(([, s]) => s >= 200 && s < 300).map(([n]) => n);
    const until = Date.now() + 120_000;
    while (accepted.some((n) => !arrived.has(n)) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    const lost = accepted.filter((n) => !arrived.has(n));
    const refused = [...status.values()].filter((s) => s < 200 || s >= 300).length;
    return {
      requests: REQUESTS,
      answered_2xx: accepted.length,
      not_answered_2xx: refused,
      webhooks_lost: lost.length,
      duplicates: [...arrived.values()].reduce((d, c) => d + c - 1, 0),
      seconds: Math.round((performance.now() - t0) / 100) / 10,
      target: "0 lost",
      met: lost.length === 0 && accepted.length > REQUESTS / 2,
      ...(lost.length > 0 ? { lost_sample: lost.slice(0, 10) } : {}),
    };
  } finally {
    await server?.stop();
    receiver.closeAllConnections();
    await new Promise<void>((r) => receiver.close(() => r()));
  }
}

/** POSTs n = from..to-1, PARALLEL at a time; a request that fails is recorded as status 0. */
async function fire(port: number, from: number, to: number, status: Map<number, number>, onAnswer: (answered: number) => void): Promise<void> {
  let next = from;
  let answered = 0;
  const worker = async () => {
    while (next < to) {
      const n = next++;
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ n }) });
        await res.arrayBuffer();
        status.set(n, res.status);
        onAnswer(++answered);
      } catch {
        status.set(n, 0);
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}
