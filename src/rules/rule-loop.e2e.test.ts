/**
 * The loop the seed's Method 4 invites: a rule runs a chain whose first link POSTs back to the
 * very route that triggered the rule. With the real delivery engine, the real chain executor and
 * a node:http stand-in for the mock server (which evaluates rules after answering, as the
 * engine does), the second firing is suppressed and recorded, and the chain runs once.
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createChainRegistry } from "../chains/chain-registry.js";
import { runChain } from "../chains/run-chain.js";
import { intelligentBehaviorSchema } from "../config/schema/rules.js";
import { systemClock } from "../core/clock.js";
import { memoryLogger } from "../core/logger.js";
import { systemRandom } from "../core/random.js";
import { parseTraceHeader } from "../delivery/index.js";
import { useLiveDelivery } from "../delivery/test-support/live-delivery.js";
import { parse } from "yaml";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRuleEngine, type RuleEngine } from "./rule-engine.js";
import type { RuleRun } from "./rule-run.js";
import { exchange } from "./test-support/rule-fakes.js";

const live = useLiveDelivery();
let server: Server;
let baseUrl: string;
let rules: RuleEngine;
const served: { path: string; trace: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0]!;
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown) : null;
      const responseBody = { id: "ord_1", total: 59.98 };
      res.writeHead(201, { "content-type": "application/json" });
      res.end(JSON.stringify(responseBody));
      served.push({ path, trace: req.headers["x-mockforge-trace"] as string | undefined });
      const t = parseTraceHeader(req.headers["x-mockforge-trace"]);
      rules.evaluate(
        exchange({
          method: req.method ?? "GET",
          path,
          status: 201,
          headers: req.headers,
          query: {},
          params: {},
          body,
          response: { status: 201, headers: { "content-type": "application/json" }, body: responseBody },
          trace: t ? { traceId: t.traceId, depth: t.depth } : null,
          requestId: `req_${served.length}`,
        }),
      );
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const registry = createChainRegistry();
  registry.add({
    id: "order_webhook_chain",
    links: [
      { request: { id: "echo_order", method: "POST", url: "{{base_url}}/api/orders", body: { again: true } } },
      { request: { id: "notify", method: "POST", url: `${live.receiver.url}/hooks/orders`, body: { order_id: "{{chain.echo_order.body.id}}", customer: "{{request.body.customer_id}}" } }, depends_on: ["echo_order"] },
    ],
  });
  const seed = parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "seed", "06-method-4-consistency-rules.yaml"), "utf8"));
  const deps = { clock: systemClock, random: systemRandom, logger: memoryLogger() };
  rules = createRuleEngine(intelligentBehaviorSchema.parse(seed.intelligent_behavior).behavior_model.consistency_rules, {
    ...deps,
    deliveries: live.engine,
    runs: live.storage.runs,
    env: {},
    baseUrl,
    chains: {
      run: (id, req) =>
        runChain(registry.get(id), {
          ...deps,
          deliveries: live.engine,
          runs: live.storage.runs,
          env: {},
          baseUrl,
          ...(req.variables ? { variables: req.variables } : {}),
          ...(req.request ? { request: req.request } : {}),
          traceId: req.traceId ?? null,
          traceDepth: req.traceDepth ?? 0,
          ...(req.signal ? { signal: req.signal } : {}),
        }),
    },
  });
});

afterAll(async () => {
  await rules.close();
  server.close();
});

it("a chain that POSTs back to its trigger runs once; the second firing is suppressed and recorded", async () => {
  const res = await fetch(`${baseUrl}/api/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ customer_id: "cust_123" }) });
  expect(res.status).toBe(201);
  await live.receiver.waitForCount(1);
  expect(await rules.drain(10_000)).toBe(true);

  expect(served.map((s) => s.path)).toEqual(["/api/orders", "/api/orders"]);
  expect(served[1]!.trace).toMatch(/;depth=1$/);
  expect(JSON.parse(live.receiver.received[0]!.body)).toEqual({ order_id: "ord_1", customer: "cust_123" });

  const runs = (await live.storage.runs.list({ kind: "rule" })).map((r) => r.data as RuleRun).sort((a, b) => a.startedAt - b.startedAt || a.trigger.traceDepth - b.trigger.traceDepth);
  expect(runs.map((r) => [r.rule, r.status, r.reason, r.trigger.traceDepth])).toEqual([
    ["trigger_webhook_on_order", "succeeded", null, 0],
    ["trigger_webhook_on_order", "suppressed", "suppressed: chain 'order_webhook_chain' is already running in this trace", 1],
  ]);
  expect(runs[0]!.chainStatus).toBe("succeeded");
  const chainRuns = await live.storage.runs.list({ kind: "chain" });
  expect(chainRuns.map((r) => r.id)).toEqual([runs[0]!.chainRunId]);
  expect(runs[1]!.trigger.traceId).toBe(runs[0]!.trigger.traceId);
});
