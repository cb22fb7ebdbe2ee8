import { describe, expect, it } from "vitest";
import type { ChainConfig, ChainLinkConfig } from "../config/schema/chains.js";
import { ManualClock } from "../core/clock.js";
import { memoryLogger } from "../core/logger.js";
import { seededRandom } from "../core/random.js";
import { createMemoryRuns } from "../storage/memory/memory-runs.js";
import type { ChainEvent } from "./chain-run.js";
import type { LinkScriptRunner } from "./link-script-runner.js";
import { runChain, type RunChainOptions } from "./run-chain.js";
import { fakeDeliveries, type FakeDeliveries } from "./test-support/fake-deliveries.js";
import { loadScriptSyntaxChecker } from "../scripting/index.js";

// These checks run synchronously here, with no entry point that loads QuickJS first.
await loadScriptSyntaxChecker();

function link(id: string, more: Partial<ChainLinkConfig> = {}, request: Partial<ChainLinkConfig["request"]> = {}): ChainLinkConfig {
  return { ...more, request: { id, method: "POST", url: `http://svc.test/${id}`, ...request } };
}

function setup(deliveries: FakeDeliveries = fakeDeliveries()) {
  const clock = new ManualClock();
  const runs = createMemoryRuns();
  const events: ChainEvent[] = [];
  const options: RunChainOptions = {
    deliveries,
    runs,
    clock,
    random: seededRandom(7),
    logger: memoryLogger(),
    env: { TOKEN: "t0k" },
    baseUrl: "http://127.0.0.1:3000",
    onEvent: (e) => events.push(e),
  };
  return { deliveries, clock, runs, events, options };
}

const urlOf = (d: FakeDeliveries) => d.sent.map((s) => s.request.url.replace("http://svc.test/", ""));

describe("runChain scheduling", () => {
  it("starts independent links concurrently once their dependency succeeded", async () => {
    const { deliveries, options } = setup();
    const chain: ChainConfig = { id: "fan", links: [link("a"), link("b", { depends_on: ["a"] }), link("c", { depends_on: ["a"] }), link("d", { depends_on: ["b", "c"] })] };
    const done = runChain(chain, options);
    const [a] = await deliveries.waitForSends(1);
    expect(deliveries.inFlight).toBe(1);
    a!.reply(201, { id: "A" });
    const sent = await deliveries.waitForSends(3);
    expect(urlOf(deliveries)).toEqual(["a", "b", "c"]);
    expect(deliveries.inFlight).toBe(2); // b and c in flight together
    sent[2]!.reply(200);
    sent[1]!.reply(200);
    (await deliveries.waitForSends(4))[3]!.reply(200);
    const run = await done;
    expect(run.status).toBe("succeeded");
    expect(run.links.map((l) => [l.id, l.status, l.attempts])).toEqual([["a", "succeeded", 1], ["b", "succeeded", 1], ["c", "succeeded", 1], ["d", "succeeded", 1]]);
  });

  it("keeps at most max_concurrency links in flight", async () => {
    const { deliveries, options } = setup();
    let maxSeen = 0;
    const chain: ChainConfig = { id: "lim", config: { max_links: 100, max_concurrency: 2 }, links: ["a", "b", "c", "d", "e"].map((id) => link(id)) };
    const done = runChain(chain, options);
    for (let n = 1; n <= 5; n++) {
      const sent = await deliveries.waitForSends(n);
      maxSeen = Math.max(maxSeen, deliveries.inFlight);
      sent[n - 1]!.reply(200);
    }
    expect((await done).status).toBe("succeeded");
    expect(maxSeen).toBeLessThanOrEqual(2);
  });

  it("skips a link whose condition is false, and its dependents; independent links go on", async () => {
    const { deliveries, options } = setup();
    deliveries.auto = () => ({ status: 200, body: { id: "pay_1", status: "declined" } });
    const chain: ChainConfig = {
      id: "cond",
      links: [
        link("pay", { store_as: "payment", extract: { status: "body.status" } }),
        link("success", { condition: "{{chain.payment.status}} == 'succeeded'" }),
        link("email", { depends_on: ["success"] }),
        link("inventory", { depends_on: ["pay"] }),
      ],
    };
    const run = await runChain(chain, options);
    expect(run.links.map((l) => [l.id, l.status, l.reason])).toEqual([
      ["pay", "succeeded", null],
      ["success", "skipped", "condition_false"],
      ["email", "skipped", "dependency_skipped"],
      ["inventory", "succeeded", null],
    ]);
    expect(run.status).toBe("succeeded");
    expect(urlOf(deliveries)).toEqual(["pay", "inventory"]);
  });

  it("fails a link on a status it did not expect, skips its dependents and ends partial", async () => {
    const { deliveries, options } = setup();
    deliveries.auto = (r) => (r.url.endsWith("/bad") ? { status: 503, body: { error: "down" } } : r.url.endsWith("/missing") ? { status: 404 } : { status: 200 });
    const chain: ChainConfig = {
      id: "fail",
      links: [link("bad"), link("after_bad", { depends_on: ["bad"] }), link("missing", {}, { expected_status: [404] }), link("ok")],
    };
    const run = await runChain(chain, options);
    expect(run.links.map((l) => [l.id, l.status, l.reason])).toEqual([
      ["bad", "failed", "http_status"],
      ["after_bad", "skipped", "dependency_failed"],
      ["missing", "succeeded", null],
      ["ok", "succeeded", null],
    ]);
    expect(run.links[0]!.error?.message).toBe("POST http://svc.test/bad answered 503, expected a 2xx or 3xx status");
    expect(run.links[0]!.response).toEqual({ status: 503, headers: { "content-type": "application/json" }, body: { error: "down" } });
    expect(run.links[1]!.warnings).toEqual(["not run: 'bad' failed"]);
    expect(run.status).toBe("partial");
  });

  it("fails the run when nothing succeeded, reporting connection errors with their attempts", async () => {
    const { deliveries, options } = setup();
    const done = runChain({ id: "down", links: [link("a")] }, options);
    (await deliveries.waitForSends(1))[0]!.fail("MFG_ERR_DELIVERY_CONNECT", "connect ECONNREFUSED", 3);
    const run = await done;
    expect(run.status).toBe("failed");
    expect(run.links[0]).toMatchObject({ status: "failed", reason: "request_error", attempts: 3, deliveryId: "dlv_1" });
    expect(run.links[0]!.error?.message).toBe("POST http://svc.test/a: connect ECONNREFUSED (after 3 attempts)");
  });
});

describe("runChain context and requests", () => {
  it("renders chain, request, variables, env and base_url; request.* falls back to the first link's request as sent", async () => {
    const { deliveries, options } = setup();
    deliveries.auto = (r) => (r.url.endsWith("/api/orders") ? { status: 201, body: { id: "ord_1", total: 59.98 }, headers: { "content-type": "application/json", "x-request-id": "rq1" } } : { status: 200 });
    const chain: ChainConfig = {
      id: "ctx",
      variables: { channel: "web", region: "eu" },
      links: [
        link("create_order", { store_as: "order", extract: { order_id: "body.id", rid: "headers.X-Request-Id" } }, { url: "{{base_url}}/api/orders", body: { customer_id: "cust_123", items: [{ sku: "p1" }] } }),
        link(
          "notify",
          { depends_on: ["create_order"] },
          {
            url: "http://svc.test/notify?o={{chain.order.order_id}}",
            headers: { Authorization: "Bearer {{env.TOKEN}}", "X-Total": "{{chain.order.total}}" },
            body: { order_id: "{{chain.order.order_id}}", total: "{{chain.order.total}}", customer: "{{request.body.customer_id}}", items: "{{request.body.items}}", rid: "{{chain.rid}}", channel: "{{variables.channel}}", region: "{{variables.region}}", missing: "{{chain.customer.email}}" },
          },
        ),
      ],
    };
    const run = await runChain(chain, { ...options, variables: { region: "us" } });
    expect(run.status).toBe("succeeded");
    const notify = deliveries.sent[1]!.request;
    expect(notify.url).toBe("http://svc.test/notify?o=ord_1");
    expect(notify.headers).toEqual({ Authorization: "Bearer t0k", "X-Total": "59.98", "content-type": "application/json" });
    expect(notify.body).toEqual({ order_id: "ord_1", total: 59.98, customer: "cust_123", items: [{ sku: "p1" }], rid: "rq1", channel: "web", region: "us", missing: "" });
    expect(run.links[0]!.extracted).toEqual({ order_id: "ord_1", rid: "rq1" });
    expect(run.links[1]!.warnings.some((w) => w.includes("chain.customer.email"))).toBe(true);
    expect(run.warnings[0]).toContain("no link stores or extracts 'customer'");
    expect(run.variables).toEqual({ channel: "web", region: "us" });
  });

  it("uses the triggering request for request.* when one is given, and sends JSON-string bodies as written", async () => {
    const { deliveries, options } = setup();
    deliveries.auto = () => ({ status: 200 });
    const chain: ChainConfig = { id: "trig", links: [link("a", {}, { body: '{"who": "{{request.body.user}}", "path": "{{request.path}}"}' })] };
    const run = await runChain(chain, { ...options, request: { method: "POST", path: "/api/users", body: { user: "u1" } } });
    expect(deliveries.sent[0]!.request.body).toBe('{"who": "u1", "path": "/api/users"}');
    expect(deliveries.sent[0]!.request.headers).toEqual({ "content-type": "application/json" });
    expect(run.links[0]!.request).toEqual({ method: "POST", url: "http://svc.test/a", headers: { "content-type": "application/json" }, body: { who: "u1", path: "/api/users" } });
  });

  it("passes the link's retry, timeout, source and trace to the delivery engine", async () => {
    const { deliveries, options } = setup();
    deliveries.auto = () => ({ status: 200 });
    const retry = { max_attempts: 3, delay_seconds: 5, exponential_backoff: true };
    const run = await runChain({ id: "opts", links: [link("a", {}, { retry, timeout_ms: 1500 })] }, { ...options, traceId: "trc_x", traceDepth: 2 });
    expect(deliveries.sent[0]!.options).toMatchObject({ source: { kind: "chain", id: "opts" }, retry, timeout_ms: 1500, traceId: "trc_x", traceDepth: 2 });
    expect(run.traceId).toBe("trc_x");
  });
});

describe("runChain refusals, records and events", () => {
  it("refuses an invalid chain before sending anything", async () => {
    const { deliveries, options, runs } = setup();
    await expect(runChain({ id: "bad", links: [link("a", { depends_on: ["b"] }), link("b", { depends_on: ["a"] })] }, options)).rejects.toMatchObject({ code: "MFG_ERR_CHAIN_CYCLE" });
    expect(deliveries.sent).toHaveLength(0);
    expect(await runs.list()).toHaveLength(0);
  });

  it("refuses a chain with scripts when no script runtime is given", async () => {
    const { deliveries, options } = setup();
    const chain: ChainConfig = { id: "scripted", links: [link("a", { scripting: { post_script: "console.log(1)", continue_on_script_error: false } })] };
    await expect(runChain(chain, options)).rejects.toMatchObject({ code: "MFG_ERR_CHAIN_INVALID", message: expect.stringContaining("has scripts (links a) but no script runtime") });
    expect(deliveries.sent).toHaveLength(0);
  });

  it("stores the run when it starts and when it ends, and reports events in order", async () => {
    const { deliveries, options, runs, events } = setup();
    const done = runChain({ id: "rec", links: [link("a")] }, options);
    const [a] = await deliveries.waitForSends(1);
    const started = await runs.list({ kind: "chain" });
    expect(started.map((r) => [r.refId, r.status])).toEqual([["rec", "running"]]);
    a!.reply(200, { ok: true });
    const run = await done;
    const stored = await runs.get(run.id);
    expect(stored).toMatchObject({ kind: "chain", refId: "rec", status: "succeeded" });
    expect((stored!.data as { links: { status: string }[] }).links[0]!.status).toBe("succeeded");
    expect(run.id).toMatch(/^run_/);
    expect(events.map((e) => e.type)).toEqual(["run_started", "link_started", "link_finished", "run_finished"]);
  });
});

describe("runChain timeouts and cancellation", () => {
  it("cancels in-flight links when the run exceeds config.timeout_ms and skips the rest", async () => {
    const { deliveries, options, clock } = setup();
    const chain: ChainConfig = { id: "slow", config: { max_links: 100, timeout_ms: 1000 }, links: [link("a"), link("b"), link("c", { depends_on: ["a"] })] };
    const done = runChain(chain, options);
    const sent = await deliveries.waitForSends(2);
    sent[1]!.reply(200);
    await clock.advance(1000);
    const run = await done;
    expect(run.status).toBe("failed");
    expect(run.links.map((l) => [l.id, l.status, l.reason])).toEqual([
      ["a", "failed", "timeout"],
      ["b", "succeeded", null],
      ["c", "skipped", "run_timeout"],
    ]);
    expect(run.error?.code).toBe("MFG_ERR_CHAIN_TIMEOUT");
    expect(sent[0]!.options.signal?.aborted).toBe(true);
    expect(deliveries.inFlight).toBe(0);
  });

  it("marks in-flight links cancelled when the caller aborts", async () => {
    const { deliveries, options } = setup();
    const controller = new AbortController();
    const done = runChain({ id: "cancel", links: [link("a"), link("b", { depends_on: ["a"] })] }, { ...options, signal: controller.signal });
    await deliveries.waitForSends(1);
    controller.abort();
    const run = await done;
    expect(run.links.map((l) => [l.status, l.reason])).toEqual([["failed", "cancelled"], ["skipped", "run_cancelled"]]);
    expect(run.status).toBe("failed");
  });
});

describe("runChain scripts", () => {
  function scriptRunner(impl: LinkScriptRunner["run"]): LinkScriptRunner {
    return { run: impl };
  }

  it("runs pre_script before rendering and post_script after the response; their changes and logs are kept", async () => {
    const { deliveries, options } = setup();
    deliveries.auto = () => ({ status: 201, body: { id: "ord_9" } });
    const scripts = scriptRunner(async (kind, _code, input) => {
      if (kind === "pre_script") return { chainContext: input.chainContext, variables: { ...input.variables, stamp: "S1" }, logs: [{ level: "log", message: "pre ran" }], error: null };
      const order = input.chainContext.order as { id: string };
      return { chainContext: { ...input.chainContext, seen: `${order.id}/${input.response?.status}` }, variables: input.variables, logs: [{ level: "info", message: "post ran" }], error: null };
    });
    const chain: ChainConfig = {
      id: "scripted",
      links: [
        link("create", { store_as: "order", scripting: { pre_script: "p", post_script: "q", continue_on_script_error: false } }, { body: { stamp: "{{variables.stamp}}" } }),
        link("after", { depends_on: ["create"] }, { body: { seen: "{{chain.seen}}" } }),
      ],
    };
    const run = await runChain(chain, { ...options, scripts });
    expect(deliveries.sent.map((s) => s.request.body)).toEqual([{ stamp: "S1" }, { seen: "ord_9/201" }]);
    expect(run.links[0]!.scriptLogs).toEqual([
      { script: "pre_script", level: "log", message: "pre ran" },
      { script: "post_script", level: "info", message: "post ran" },
    ]);
    expect(run.variables.stamp).toBe("S1");
  });

  it("fails the link on a script error unless continue_on_script_error is true", async () => {
    const { deliveries, options } = setup();
    deliveries.auto = () => ({ status: 200 });
    const scripts = scriptRunner(async (_k, _c, input) => ({ chainContext: input.chainContext, variables: input.variables, logs: [], error: { code: "MFG_ERR_SCRIPT_RUNTIME", message: "line 2: boom" } }));
    const chain: ChainConfig = {
      id: "errs",
      links: [
        link("strict", { scripting: { pre_script: "x", continue_on_script_error: false } }),
        link("lenient", { scripting: { post_script: "x", continue_on_script_error: true } }),
      ],
    };
    const run = await runChain(chain, { ...options, scripts });
    expect(run.links[0]).toMatchObject({ status: "failed", reason: "script_error", error: { code: "MFG_ERR_SCRIPT_RUNTIME", message: "line 2: boom" } });
    expect(run.links[1]).toMatchObject({ status: "succeeded", error: { code: "MFG_ERR_SCRIPT_RUNTIME" } });
    expect(deliveries.sent.map((s) => s.request.url)).toEqual(["http://svc.test/lenient"]);
    expect(run.status).toBe("partial");
  });
});
