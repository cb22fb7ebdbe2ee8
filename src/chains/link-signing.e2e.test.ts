/**
 * Signing chain links, checked by a real receiver over real sockets: a custom header template
 * over `body` (the exact text sent), per-link Standard Webhooks signing, and the seed's "Webhook
 * Signing" fragment as written, whose `request.body` in its own headers is its own body.
 */
import { createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../core/clock.js";
import { memoryLogger } from "../core/logger.js";
import { seededRandom } from "../core/random.js";
import { createDeliveryEngine } from "../delivery/index.js";
import { startReceiver, type Receiver } from "../delivery/test-support/receiver.js";
import { createMemoryStorage } from "../storage/index.js";
import type { ChainRun } from "./chain-run.js";
import { parseChainText } from "./load-chain-file.js";
import { runChain, type RunChainOptions } from "./run-chain.js";

/** The seed document's signing example, kept in the repo as a fixture. */
const SEED_12 = new URL("../../test/fixtures/seed/12-webhook-signing.yaml", import.meta.url);
const SECRET = "whsec_" + Buffer.from("a-link-signing-secret-32-bytes!!").toString("base64");

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const header = (r: Receiver, i: number, name: string) => r.received[i]!.headers[name] as string | undefined;

/**
 * Runs chain YAML (`RECEIVER` replaced by the receiver's URL) through a real delivery engine
 * against a fresh receiver, which it hands back once the run has succeeded.
 */
async function sendChain(yaml: string, extra: Partial<RunChainOptions> = {}): Promise<{ receiver: Receiver; result: ChainRun }> {
  const receiver = await startReceiver();
  const storage = createMemoryStorage();
  // Real time: standardwebhooks checks the signed timestamp against the clock it runs on.
  const engine = createDeliveryEngine({ storage, clock: systemClock, random: seededRandom(5), logger: memoryLogger(), pollIntervalMs: 0 });
  await engine.start();
  cleanups.push(async () => {
    await engine.stop();
    await receiver.close();
    await storage.close();
  });
  const { chain } = parseChainText(yaml.replaceAll("RECEIVER", receiver.url), "signed.yaml");
  const result = await runChain(chain, {
    deliveries: engine,
    runs: storage.runs,
    clock: systemClock,
    random: seededRandom(9),
    logger: memoryLogger(),
    env: { WEBHOOK_SECRET: "s3cret" },
    baseUrl: receiver.url,
    ...extra,
  });
  expect(result.status).toBe("succeeded");
  return { receiver, result };
}

describe("chain links: custom signature headers", () => {
  it("a header template's `body` is the exact text sent, verified by the receiver", async () => {
    const { receiver } = await sendChain(`id: custom
links:
  - request:
      id: notify
      method: POST
      url: "RECEIVER/events"
      headers:
        X-Sig: "{{hmac_sha256('k', body)}}"
      body:
        event: order.created
        total: 59.98
        items: [{ sku: "a" }]
  - request:
      id: raw_text
      method: POST
      url: "RECEIVER/raw"
      headers:
        X-Sig: "{{hmac_sha256('k', body)}}"
      body: '{"spaced": "json text", "n": 1}'
    depends_on: notify
`);
    expect(receiver.received).toHaveLength(2);
    for (const [i, req] of receiver.received.entries()) {
      expect(req.body.length).toBeGreaterThan(0);
      expect(header(receiver, i, "x-sig")).toBe(createHmac("sha256", "k").update(req.body).digest("hex"));
    }
    // A JSON-text body goes out byte for byte, and is what was signed.
    expect(receiver.received[1]!.body).toBe('{"spaced": "json text", "n": 1}');
  });

  it("a link without a body signs the empty text", async () => {
    const { receiver } = await sendChain(`id: nobody
links:
  - request: { id: ping, method: GET, url: "RECEIVER/ping", headers: { X-Sig: "{{hmac_sha256('k', body)}}" } }
`);
    expect(header(receiver, 0, "x-sig")).toBe(createHmac("sha256", "k").update("").digest("hex"));
  });
});

describe("chain links: per-link signing", () => {
  it("signs with Standard Webhooks; the standardwebhooks package verifies the delivery", async () => {
    const { receiver } = await sendChain(`id: std
links:
  - request:
      id: signed
      method: POST
      url: "RECEIVER/std"
      signing: { scheme: standard-webhooks, secret: "${SECRET}" }
      body: { event: order.created, order_id: ord_1 }
  - request:
      id: unsigned
      method: POST
      url: "RECEIVER/plain"
      body: { event: other }
    dependsOn: signed
`);
    const [signed, unsigned] = receiver.received;
    expect(new Webhook(SECRET).verify(signed!.body, { ...signed!.headers } as Record<string, string>)).toEqual({ event: "order.created", order_id: "ord_1" });
    expect(signed!.headers["webhook-id"]).toMatch(/\S/);
    // Signing is per link: the next link brings none (and no `webhooks.signing` default is set).
    expect(unsigned!.headers["webhook-signature"]).toBeUndefined();
  });

  it("a signing block without a secret is a validation error naming the link", () => {
    expect(() =>
      parseChainText(`id: bad\nlinks:\n  - request: { id: a, url: "http://127.0.0.1:1/x", signing: { scheme: standard-webhooks } }\n`, "bad.yaml"),
    ).toThrow(/links\[0\]\.request\.signing.*signing needs `secret` or `secrets`/s);
  });
});

describe("seed: Webhook Signing (12), wrapped in the smallest chain", () => {
  it("loads as written and sends X-Webhook-Signature = sha256hex(secret + the JSON text sent)", async () => {
    const fragment = readFileSync(SEED_12, "utf8");
    const indented = fragment
      .split("\n")
      .map((line) => (line ? `  ${line}` : line))
      .join("\n");
    const text = `id: signed\nlinks:\n${indented}`.replace("https://webhook.example.com", "RECEIVER");
    const { receiver, result } = await sendChain(text);
    expect(result.links[0]!.warnings).toEqual([]);
    const [req] = receiver.received;
    // `data: {...}` is a YAML flow map whose one key is "..." with no value.
    expect(JSON.parse(req!.body)).toEqual({ event: "order.created", data: { "...": null } });
    expect(header(receiver, 0, "x-webhook-signature")).toBe(createHash("sha256").update("s3cret" + req!.body).digest("hex"));
    expect(header(receiver, 0, "x-webhook-timestamp")).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("with a triggering request, `request.body` is that request's body and `body` still the text sent", async () => {
    const { receiver } = await sendChain(
      `id: trig
links:
  - request:
      id: a
      method: POST
      url: "RECEIVER/a"
      headers: { X-From-Request: "{{hash(request.body)}}", X-Sig: "{{hash(body)}}" }
      body: { mine: true }
  - request:
      id: b
      method: POST
      url: "RECEIVER/b"
      headers: { X-From-Request: "{{hash(request.body)}}" }
      body: { theirs: true }
`,
      { request: { method: "POST", path: "/api/orders", body: { customer_id: "c1" } } },
    );
    const sha = (s: string) => createHash("sha256").update(s).digest("hex");
    const byPath = (p: string) => receiver.received.find((r) => r.url === p)!;
    expect(byPath("/a").headers["x-from-request"]).toBe(sha('{"customer_id":"c1"}'));
    expect(byPath("/a").headers["x-sig"]).toBe(sha(byPath("/a").body));
    expect(byPath("/b").headers["x-from-request"]).toBe(sha('{"customer_id":"c1"}'));
  });

  it("without one, a later link's `request.body` is the first link's body as sent", async () => {
    const { receiver } = await sendChain(`id: later
links:
  - request: { id: first, method: POST, url: "RECEIVER/first", body: { customer_id: c9, n: 2 } }
  - request:
      id: second
      method: POST
      url: "RECEIVER/second"
      headers: { X-Sig: "{{hash(env.WEBHOOK_SECRET + request.body)}}" }
      body: { who: "{{request.body.customer_id}}" }
`);
    const first = receiver.received.find((r) => r.url === "/first")!;
    const second = receiver.received.find((r) => r.url === "/second")!;
    expect(JSON.parse(second.body)).toEqual({ who: "c9" });
    expect(second.headers["x-sig"]).toBe(createHash("sha256").update("s3cret" + first.body).digest("hex"));
  });
});
