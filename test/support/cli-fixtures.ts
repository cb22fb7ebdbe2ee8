/**
 * Fixtures of the CLI run tests (cli-honest, cli-live-tty): a scenario that stays on its second
 * step for a minute (so a test can interrupt it there), and a payment API whose callback
 * endpoint is down (so a chain link waits on retries).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Writes a config whose scenario `long` runs `first` (GET /ping), then `second` for 60 s; returns its path. */
export function writeLongScenario(): string {
  const file = join(mkdtempSync(join(tmpdir(), "mockforge-long-")), "long.yaml");
  writeFileSync(
    file,
    `http: { port: 0 }
routes:
  - { path: /ping, method: GET, response: { status: 200 } }
chaos:
  scenarios:
    - name: long
      steps:
        - { name: first, request: { method: GET, url: /ping } }
        - { name: second, duration_ms: 60000, request: { method: GET, url: /ping } }
`,
  );
  return file;
}

/**
 * The API of examples/chains/payment.yaml: `POST /api/payments` answers 201 `processing`; every
 * other path (the callbacks) answers 503 with a one-second Retry-After.
 */
export async function startDownCallbackApi(): Promise<{ url: string; close: () => void }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.url === "/api/payments") {
        res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ id: "pay_1", status: "processing", amount: 99.99 }));
        return;
      }
      res.writeHead(503, { "retry-after": "1", "content-type": "text/plain" }).end("down for maintenance");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}
