/**
 * The rules as the request engine runs them: handed the engine's own exchange (no copy), and
 * not asked at all, with no exchange built, for an answer no rule can match.
 */
import { describe, expect, it } from "vitest";
import { routeSchema } from "../config/schema/routes.js";
import { consistencyRuleSchema } from "../config/schema/rules.js";
import { defaultDeps } from "../core/deps.js";
import { JournalRecorder } from "../engine/journal-recorder.js";
import { MockEngine, type HandleResult } from "../engine/mock-engine.js";
import type { MockRequest } from "../engine/mock-request.js";
import { RouteTable } from "../engine/route-table.js";
import { createMemoryStorage } from "../storage/memory/memory-storage.js";
import { createRuleEngine, type RuleEngine } from "./rule-engine.js";
import { ruleEvaluator, ruleEvaluatorBeforeResponse } from "./rule-evaluators.js";
import type { ServedExchange } from "./rule-scope.js";
import { ruleFakes } from "./test-support/rule-fakes.js";

const deps = defaultDeps({ env: {} });

function request(method: string, path: string): MockRequest {
  return { id: "req_0000000001", receivedAt: 0, startedMono: 0, method, url: path, path, rawPath: path, query: {}, headers: {}, rawBody: Buffer.alloc(0), rawText: "", body: null, bodyError: null, bodyFromJsonText: false, bodyTooLarge: false, trace: null };
}

/** A rule engine whose `evaluate` calls are recorded. */
function watched(conditions: string[]): { rules: RuleEngine; seen: ServedExchange[] } {
  const inner = createRuleEngine(
    conditions.map((condition, i) => consistencyRuleSchema.parse({ name: `r${i}`, condition, action: { type: "execute_chain", chain_id: "c" } })),
    { ...ruleFakes(), chains: { run: async () => ({ id: "run_c", status: "succeeded" }) } },
  );
  const seen: ServedExchange[] = [];
  return { rules: { ...inner, evaluate: (ex, stored) => (seen.push(ex), inner.evaluate(ex, stored)) }, seen };
}

function engineWith(rules: RuleEngine, persist: "before_response" | "after_response"): MockEngine {
  const routes = new RouteTable([routeSchema.parse({ path: "/static", method: "GET", response: { status: 200, body: { ok: true } } })]);
  return new MockEngine({
    routes,
    journal: new JournalRecorder(createMemoryStorage().journal, () => undefined),
    deps,
    baseUrl: () => "http://127.0.0.1:1",
    maxTraceDepth: 8,
    afterResponse: persist === "after_response" ? [ruleEvaluator(rules)] : [],
    beforeResponse: persist === "before_response" ? [ruleEvaluatorBeforeResponse(rules)] : [],
  });
}

async function serve(engine: MockEngine, req: MockRequest): Promise<HandleResult> {
  const served = await engine.handle(req);
  served.finish();
  return served;
}

describe.each(["before_response", "after_response"] as const)("rules in the engine (persist: %s)", (persist) => {
  it("are not evaluated for an answer no rule can match by method, path and status", async () => {
    const { rules, seen } = watched(["status >= 500", "method == 'POST' AND path == '/api/orders'", "path matches '^/admin/'"]);
    await serve(engineWith(rules, persist), request("GET", "/static"));
    expect(seen).toEqual([]);
  });

  it("read the engine's exchange itself, and see unmatched requests", async () => {
    const { rules, seen } = watched(["status == 404 AND path == '/nowhere'", "body.never == true"]);
    const engine = engineWith(rules, persist);
    const req = request("GET", "/nowhere");
    const served = await serve(engine, req);
    expect(served.response.status).toBe(404);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.request).toBe(req);
    expect(seen[0]!.response.status).toBe(404);
    expect(await rules.drain(5000)).toBe(true);
    expect(rules.stats().map((s) => s.matched)).toEqual([1, 0]);
  });
});
