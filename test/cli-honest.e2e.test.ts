import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

const EXAMPLES = join(import.meta.dirname, "..", "examples");

/** A payment API whose callback endpoint is down: 503 with a one-second Retry-After. */
let api: Server;
let apiUrl = "";
beforeAll(async () => {
  api = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.url === "/api/payments") {
        res.writeHead(201, { "content-type": "application/json" });
        res.end(JSON.stringify({ id: "pay_1", status: "processing", amount: 99.99 }));
        return;
      }
      res.writeHead(503, { "retry-after": "1", "content-type": "text/plain" });
      res.end("down for maintenance");
    });
  });
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", () => r()));
  apiUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
});
afterAll(() => api.close());

describe("mockforge chain run, honest exit", () => {
  it("waits through a link's retries, prints the summary with the reason, and exits 1 (not 13)", async () => {
    const r = await runCli(["chain", "run", join(EXAMPLES, "chains", "payment.yaml"), "--var", `base_url=${apiUrl}`], { timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/payment_gateway_callback/);
    expect(r.stdout).toMatch(/failed/);
    expect(r.stdout).toMatch(/503/);
  }, 40_000);
});
