/**
 * The seed's chains (Method 2 and Examples 1–3) end to end: loaded verbatim from the seed files
 * (only `*.example.com` hosts and `localhost:3000` pointed at local servers), run by the real
 * delivery engine over real sockets against a stand-in for the server under test.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock, systemClock, type Clock } from "../core/clock.js";
import { memoryLogger } from "../core/logger.js";
import { seededRandom } from "../core/random.js";
import { createDeliveryEngine, type MockForgeDeliveryEngine } from "../delivery/index.js";
import { ScriptRuntime, loadScriptSyntaxChecker } from "../scripting/index.js";
import { createMemoryStorage } from "../storage/index.js";
import type { Storage } from "../storage/ports.js";
import type { ChainRun } from "./chain-run.js";
import { parseChainText } from "./load-chain-file.js";
import { runChain, type RunChainOptions } from "./run-chain.js";
import { defaultAnswers, exampleHosts, seedChainText, startWorld, type FakeWorld, type WorldAnswer, type WorldHandler, type WorldRequest } from "./test-support/fake-world.js";

// These checks run synchronously here, with no entry point that loads QuickJS first.
await loadScriptSyntaxChecker();

/** The seed document's examples, kept in the repo as fixtures. */
const SEED = path.join(import.meta.dirname, "..", "..", "test", "fixtures", "seed");
function seedFile(prefix: string): { file: string; text: string } {
  const file = readdirSync(SEED).find((f) => f.startsWith(prefix))!;
  return { file, text: readFileSync(path.join(SEED, file), "utf8") };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Harness {
  world: FakeWorld;
  storage: Storage;
  engine: MockForgeDeliveryEngine;
  options: RunChainOptions;
  run(extra?: Partial<RunChainOptions>): Promise<ChainRun>;
}

async function harness(prefix: string, opts: { clock?: Clock; down?: string[]; wrap?: (text: string) => string } = {}): Promise<Harness> {
  const { file, text } = seedFile(prefix);
  const world = await startWorld(exampleHosts(text));
  const storage = createMemoryStorage();
  const clock = opts.clock ?? systemClock;
  const engine = createDeliveryEngine({ storage, clock, random: seededRandom(3), logger: memoryLogger(), pollIntervalMs: 0 });
  await engine.start();
  cleanups.push(async () => {
    await engine.stop();
    await world.close();
    await storage.close();
  });
  const source = seedChainText(opts.wrap ? opts.wrap(text) : text, world, opts.down);
  const { chain } = parseChainText(source, file);
  const options: RunChainOptions = {
    deliveries: engine,
    runs: storage.runs,
    clock,
    random: seededRandom(11),
    logger: memoryLogger(),
    env: { WEBHOOK_TOKEN: "tok_live", WEBHOOK_SECRET: "s3cret" },
    baseUrl: world.url("api"),
  };
  return { world, storage, engine, options, run: (extra = {}) => runChain(chain, { ...options, ...extra }) };
}

/** Holds answers to requests on `paths` until `n` of them are in flight together, proving overlap. */
function barrier(world: FakeWorld, paths: string[], n: number, then: (req: WorldRequest) => WorldAnswer = defaultAnswers): WorldHandler {
  return (req) => {
    if (!paths.includes(req.path)) return then(req);
    return world
      .until((reqs) => reqs.filter((r) => paths.includes(r.path) && r.endedAt === null).length >= n, `${n} concurrent requests on ${paths.join(", ")}`, 5000)
      .then(
        () => then(req),
        () => ({ status: 500, body: { error: "barrier timed out: the links did not run concurrently" } }),
      );
  };
}

/**
 * With a manual clock: as soon as an awaited delivery starts waiting to retry, moves time by
 * exactly the delay its last attempt chose (no further, so the next attempt's own timeout does
 * not fire).
 */
function advanceOnRetries(engine: MockForgeDeliveryEngine, storage: Storage, clock: ManualClock): () => void {
  return engine.subscribe((r) => {
    if (r.mode !== "awaited" || r.status !== "in_flight" || r.attemptCount === 0 || r.nextAttemptAt === null) return;
    void clock.advance(r.nextAttemptAt - clock.now());
  });
}

const byPath = (world: FakeWorld, p: string) => world.requests.filter((r) => r.path === p);

/**
 * Runs a seed chain whose links on `paths` are held until `n` of them are in flight (`barrier`):
 * the run succeeds only if they really overlap, and never more than `n` run at once.
 */
async function runOverlapping(prefix: string, paths: string[], n: number): Promise<{ h: Harness; run: ChainRun }> {
  const h = await harness(prefix);
  h.world.handler = barrier(h.world, paths, n);
  const run = await h.run();
  expect(run.status).toBe("succeeded");
  expect(h.world.maxInFlight).toBe(n);
  return { h, run };
}

describe("seed: Method 2 chain definition (03)", () => {
  it("creates the order, then notifies with the extracted id and total", async () => {
    const h = await harness("03");
    const run = await h.run();
    expect(run.status).toBe("succeeded");
    const [order] = byPath(h.world, "/api/orders");
    expect(order!.body).toEqual({ items: ["..."] });
    const [notify] = byPath(h.world, "/orders/created");
    expect(notify!.host).toBe("webhook");
    expect(notify!.body).toMatchObject({ event: "order.created", order_id: "ord_1001", total: 59.98 });
    expect((notify!.body as { timestamp: string }).timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(notify!.arrivedAt).toBeGreaterThanOrEqual(order!.endedAt!);
    expect(run.links[0]!.extracted).toEqual({ order_id: "ord_1001", order_total: 59.98 });
    const stored = await h.storage.runs.get(run.id);
    expect(stored).toMatchObject({ kind: "chain", refId: "order_processing_chain", status: "succeeded" });
    const deliveries = await h.storage.deliveries.list({ sourceKind: "chain" });
    expect(deliveries.map((d) => d.status)).toEqual(["succeeded", "succeeded"]);
  });
});

describe("seed: Multi-Webhook chain (04)", () => {
  it("runs the success and inventory webhooks concurrently, then the email after the success webhook", async () => {
    const { h, run } = await runOverlapping("04", ["/webhooks/payment-success", "/webhooks/payment-processed"], 2);
    expect(run.links.map((l) => l.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);
    const [success] = byPath(h.world, "/webhooks/payment-success");
    expect(success!.headers.authorization).toBe("Bearer tok_live");
    expect(success!.body).toEqual({ event: "payment.succeeded", payment_id: "pay_2001", amount: 99.99 });
    expect(byPath(h.world, "/webhooks/payment-processed")[0]!.body).toEqual({ action: "release_reservation", payment_id: "pay_2001" });
    const [email] = byPath(h.world, "/webhooks/send");
    expect(email!.arrivedAt).toBeGreaterThanOrEqual(success!.endedAt!);
  });

  it("skips the success webhook when the payment did not succeed, and the email with it; inventory still runs", async () => {
    const h = await harness("04");
    h.world.handler = (req) => (req.path === "/api/payments" ? { status: 201, body: { id: "pay_9", status: "declined" } } : defaultAnswers(req));
    const run = await h.run();
    expect(run.links.map((l) => [l.id, l.status, l.reason])).toEqual([
      ["process_payment", "succeeded", null],
      ["payment_success_webhook", "skipped", "condition_false"],
      ["inventory_update_webhook", "succeeded", null],
      ["email_webhook", "skipped", "dependency_skipped"],
    ]);
    expect(run.status).toBe("succeeded");
    expect(h.world.requests.map((r) => r.path)).toEqual(["/api/payments", "/webhooks/payment-processed"]);
  });

  it("ends partial when the inventory host is down: that link fails, independent links succeed", async () => {
    const h = await harness("04", { down: ["inventory"] });
    const run = await h.run();
    expect(run.status).toBe("partial");
    const inv = run.links.find((l) => l.id === "inventory_update_webhook")!;
    expect(inv).toMatchObject({ status: "failed", reason: "request_error", attempts: 1 });
    expect(inv.error!.code).toBe("MFG_ERR_DELIVERY_CONNECT");
    // The URL once, in front: `POST http://…: connection refused (ECONNREFUSED) (after 1 attempt)`.
    expect(inv.error!.message).toMatch(/^POST http:\/\/\S+: connection refused \(ECONNREFUSED\) \(after 1 attempt\)$/);
    expect(inv.error!.message.match(/http:\/\//g)).toHaveLength(1);
    expect(run.links.filter((l) => l.status === "succeeded").map((l) => l.id)).toEqual(["process_payment", "payment_success_webhook", "email_webhook"]);
    const attempts = await h.storage.deliveries.attempts(inv.deliveryId!);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.error?.code).toBe("MFG_ERR_DELIVERY_CONNECT");
  });
});

describe("seed: Example 1, e-commerce order (07)", () => {
  it("reads the first link's request as request.*, keeps types, and renders the unknown chain.customer empty", async () => {
    const { h, run } = await runOverlapping("07", ["/order-created", "/webhooks/reserve"], 2);
    expect(run.warnings.join("\n")).toContain("reads chain.customer, but no link stores or extracts 'customer'");
    const [confirmation] = byPath(h.world, "/order-created");
    expect(confirmation!.headers["x-webhook-signature"]).toBe("s3cret");
    expect(confirmation!.body).toMatchObject({ event: "order.created", order_id: "ord_1001", customer_id: "cust_123", total: 59.98 });
    expect(byPath(h.world, "/webhooks/reserve")[0]!.body).toEqual({ action: "reserve", order_id: "ord_1001", items: [{ product_id: "prod_456", quantity: 2, price: 29.99 }] });
    expect(byPath(h.world, "/webhooks/send")[0]!.body).toEqual({ template: "order_confirmation", to: "", order_id: "ord_1001" });
    expect(run.links[3]!.warnings.join("\n")).toContain("chain.customer.email");
  });

  it("uses the triggering request for request.* when the chain is run with one", async () => {
    const h = await harness("07");
    await h.run({ request: { method: "POST", path: "/api/orders", body: { customer_id: "cust_trigger", items: [] } } });
    expect(byPath(h.world, "/order-created")[0]!.body).toMatchObject({ customer_id: "cust_trigger" });
    expect(byPath(h.world, "/webhooks/reserve")[0]!.body).toMatchObject({ items: [] });
  });
});

describe("seed: Example 2, payment gateway callbacks (08)", () => {
  it("calls back into the server under test when the payment is processing", async () => {
    const h = await harness("08");
    h.world.handler = (req) => (req.path === "/api/payments" ? { status: 201, body: { id: "pay_2001", status: "processing" } } : defaultAnswers(req));
    const run = await h.run();
    expect(run.status).toBe("succeeded");
    const [callback] = byPath(h.world, "/api/payments/pay_2001/callback");
    expect(callback!.body).toMatchObject({ event: "payment.succeeded", payment_id: "pay_2001", transaction_id: "txn_abc123" });
    expect(String(callback!.headers["x-mockforge-trace"])).toMatch(new RegExp(`^${run.traceId};depth=1$`));
  });

  it("retries the callback as configured (3 attempts, 5 s exponential) and ends partial when it keeps failing", async () => {
    const clock = new ManualClock();
    const h = await harness("08", { clock });
    const off = advanceOnRetries(h.engine, h.storage, clock);
    cleanups.push(async () => off());
    h.world.handler = (req) =>
      req.path === "/api/payments" ? { status: 201, body: { id: "pay_2001", status: "processing" } } : req.path.endsWith("/callback") ? { status: 503, body: { error: "busy" } } : defaultAnswers(req);
    const run = await h.run();
    expect(run.status).toBe("partial");
    const cb = run.links[1]!;
    expect(cb).toMatchObject({ status: "failed", reason: "http_status", attempts: 3, response: { status: 503 } });
    expect(byPath(h.world, "/api/payments/pay_2001/callback")).toHaveLength(3);
    const attempts = await h.storage.deliveries.attempts(cb.deliveryId!);
    expect(attempts.map((a) => a.response?.status)).toEqual([503, 503, 503]);
    // 5 s doubling, with the engine's default full jitter: each delay is at most its cap.
    const [d1, d2, d3] = attempts.map((a) => a.nextDelayMs);
    expect(d1).toBeGreaterThanOrEqual(0);
    expect(d1).toBeLessThanOrEqual(5000);
    expect(d2).toBeLessThanOrEqual(10000);
    expect(d3).toBeNull();
  });

  it("skips the callback when the payment is not processing", async () => {
    const h = await harness("08");
    const run = await h.run();
    expect(run.links[1]).toMatchObject({ status: "skipped", reason: "condition_false" });
    expect(byPath(h.world, "/api/payments")).toHaveLength(1);
    expect(h.world.requests).toHaveLength(1);
  });
});

describe("seed: Example 3, event-driven subscribers (09)", () => {
  it("fans the event out to three subscribers at once", async () => {
    const { h } = await runOverlapping("09", ["/webhooks/events"], 3);
    const subs = byPath(h.world, "/webhooks/events");
    expect(subs.map((r) => r.host).sort()).toEqual(["analytics", "email", "notifications"]);
    for (const s of subs) {
      expect(s.body).toEqual({ event_id: "evt_3001", event_type: "user.registered", data: { user_id: "usr_123", email: "user@example.com" } });
    }
  });
});

describe("seed: Webhook retry logic (11), wrapped in a chain", () => {
  it("records every attempt against a host that is down", async () => {
    const clock = new ManualClock();
    const h = await harness("11", { clock, down: ["webhook"], wrap: (t) => `id: retry_fragment\nlinks:\n${t.replace(/^/gm, "  ")}` });
    const off = advanceOnRetries(h.engine, h.storage, clock);
    cleanups.push(async () => off());
    const run = await h.run();
    expect(run.status).toBe("failed");
    expect(run.links[0]).toMatchObject({ status: "failed", reason: "request_error", attempts: 3 });
    const attempts = await h.storage.deliveries.attempts(run.links[0]!.deliveryId!);
    expect(attempts.map((a) => a.error?.code)).toEqual(["MFG_ERR_DELIVERY_CONNECT", "MFG_ERR_DELIVERY_CONNECT", "MFG_ERR_DELIVERY_CONNECT"]);
  });
});

describe("run deadline over real sockets", () => {
  it("cancels the in-flight call when the run exceeds config.timeout_ms", async () => {
    const clock = new ManualClock();
    const h = await harness("03", { clock, wrap: (t) => t.replace("name: Order Processing with Webhooks", "name: Order Processing with Webhooks\nconfig:\n  timeout_ms: 2000") });
    h.world.handler = (req) => (req.path === "/api/orders" ? "hang" : defaultAnswers(req));
    const done = h.run();
    await h.world.until((r) => r.length === 1, "the order request");
    await clock.advance(2000);
    const run = await done;
    expect(run.status).toBe("failed");
    expect(run.links.map((l) => [l.status, l.reason])).toEqual([["failed", "timeout"], ["skipped", "run_timeout"]]);
    await h.world.until((r) => r[0]!.aborted, "the order request to be aborted by the client");
    expect(h.world.requests).toHaveLength(1);
  });
});

describe("seed: Chain configuration with script (05)", () => {
  it("runs the post_script, whose fire-and-forget webhook goes through the delivery engine", async () => {
    const h = await harness("05");
    const runtime = new ScriptRuntime({ clock: systemClock, poolSize: 1 });
    cleanups.push(() => runtime.close());
    const run = await h.run({ scripts: { runtime, envAllowlist: [] } });
    expect(run.status).toBe("succeeded");
    const [hook] = byPath(h.world, "/orders/created");
    expect(hook!.body).toMatchObject({ event: "order.created", order_id: "ord_1001" });
    expect(run.links[0]!.scriptLogs).toEqual([{ script: "post_script", level: "log", message: "Webhook sent: 200" }]);
    const scriptDeliveries = await h.storage.deliveries.list({ sourceKind: "script" });
    expect(scriptDeliveries.map((d) => [d.sourceId, d.status, d.traceId])).toEqual([["05-chain-configuration-with-script/create_order", "succeeded", run.traceId]]);
  });
});
