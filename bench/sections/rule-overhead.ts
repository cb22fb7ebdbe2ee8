import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { systemClock } from "../../src/core/clock.js";
import { silentLogger } from "../../src/core/logger.js";
import { systemRandom } from "../../src/core/random.js";
import { createRuleEngine, type RuleServices, type ServedExchange } from "../../src/rules/index.js";
import type { ConsistencyRuleConfig } from "../../src/config/schema/rules.js";
import { load, ratio, type LoadResult } from "../lib/load.js";
import { startMockForge } from "../lib/processes.js";
import { median, round } from "./bench-stats.js";

/**
 * 20 rules that never match GET /static. Half pin another method and path; half have no
 * method/path guard: equality, ordering, a request-body field, a header, `contains`, `matches`,
 * NOT and OR. That mix is what a real config looks like. The rule index rules out, once per
 * method, path and status, the guarded ones and those whose condition is decided by method, path
 * and status (src/rules/rule-gate.ts); the five that read the request's or the answer's content
 * are evaluated on every request.
 */
const RULES: { name: string; condition: string }[] = [
  ...Array.from({ length: 10 }, (_, i) => ({ name: `guarded_${i}`, condition: `method == 'POST' AND path == '/api/orders/${i}' AND status == 201` })),
  { name: "server_error", condition: "status >= 599" },
  { name: "big_total", condition: "response.body.total > 100000" },
  { name: "completed", condition: "body.status == 'completed'" },
  { name: "header_flag", condition: "headers.x_bench_never == 'yes'" },
  { name: "status_is", condition: "response.status == 418" },
  { name: "query_flag", condition: "query.never == 'true'" },
  { name: "contains_x", condition: "path contains '/never/'" },
  { name: "admin_path", condition: "path matches '^/admin/'" },
  { name: "not_get", condition: "NOT (method == 'GET' OR method == 'HEAD') AND status == 202" },
  { name: "either", condition: "status == 410 OR response.body.status == 'cancelled'" },
];

/** The rules as a config block; the action is never taken (nothing matches). */
function rulesYaml(): string {
  const lines = RULES.map(
    (r) => `      - name: ${r.name}
        condition: ${JSON.stringify(r.condition)}
        action: { type: webhook, url: "http://127.0.0.1:9/never", body: { rule: ${r.name} } }`,
  );
  return `intelligent_behavior:
  behavior_model:
    consistency_rules:
${lines.join("\n")}
`;
}

const STATIC_ROUTE = `routes:
  - path: /static
    method: GET
    response:
      status: 200
      body: { id: "ord_1", status: "created", items: [{ sku: "a", qty: 1 }] }
`;

/** The parts rules read of the exchange the server builds for GET /static (src/engine/mock-engine.ts). */
function staticExchange(): ServedExchange {
  return {
    request: { id: "req_bench", method: "GET", path: "/static", headers: { host: "127.0.0.1:3000", "user-agent": "autocannon", accept: "*/*" }, query: {}, body: null },
    params: {},
    response: { status: 200, headers: { "content-type": "application/json" }, body: { id: "ord_1", status: "created", items: [{ sku: "a", qty: 1 }] } },
    trace: { traceId: "trc_bench", depth: 0 },
  };
}

/** Mean µs per `evaluate` over `iterations`, after a warm-up; throws if any rule matched or errored. */
function evaluateCost(rules: ConsistencyRuleConfig[], iterations: number): number {
  const services: RuleServices = {
    deliveries: {
      enqueue: async () => {
        throw new Error("no rule should fire in this bench");
      },
      send: async () => {
        throw new Error("no rule should fire in this bench");
      },
    },
    clock: systemClock,
    random: systemRandom,
    logger: silentLogger,
    env: {},
  };
  const engine = createRuleEngine(rules, services);
  const x = staticExchange();
  let matched = 0;
  for (let i = 0; i < 20_000; i++) matched += engine.evaluate(x).length;
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) matched += engine.evaluate(x).length;
  const us = ((performance.now() - t0) * 1000) / iterations;
  const errors = engine.stats().reduce((s, r) => s + r.conditionErrors, 0);
  if (matched > 0 || errors > 0) throw new Error(`bench rules should neither match nor fail: matched ${matched}, condition errors ${errors}`);
  return us;
}

function asConfig(rules: { name: string; condition: string }[]): ConsistencyRuleConfig[] {
  return rules.map((r) => ({ ...r, action: { type: "webhook", method: "POST", url: "http://127.0.0.1:9/never" } }));
}

/**
 * Issue 6, rules. Two MockForge child processes on the same static route, one with the 20 rules
 * above and one with none, loaded in the order none, rules, rules, none (so drift over the run
 * cancels out); ratio = rules / none. Evaluation cost in-process: `createRuleEngine(...).evaluate`
 * on a fixed GET /static exchange, for the mix above and for 20 unguarded rules (the worst case).
 */
export async function ruleOverhead(tmp: string, seconds: number): Promise<Record<string, unknown>> {
  const iterations = 200_000 * Math.max(1, seconds);
  const mixUs = evaluateCost(asConfig(RULES), iterations);
  const unguarded = RULES.slice(10);
  const worstUs = evaluateCost(asConfig([...unguarded, ...unguarded.map((r) => ({ ...r, name: `${r.name}_2` }))]), iterations);
  const noneUs = evaluateCost([], iterations);

  const plainCfg = join(tmp, "rules-none.yaml");
  const rulesCfg = join(tmp, "rules-20.yaml");
  writeFileSync(plainCfg, STATIC_ROUTE);
  writeFileSync(rulesCfg, STATIC_ROUTE + rulesYaml());
  const plain = await startMockForge(plainCfg, join(tmp, "rules-none.db"));
  const withRules = await startMockForge(rulesCfg, join(tmp, "rules-20.db"));
  try {
    const run = (url: string, s = seconds): Promise<LoadResult> => load(`${url}/static`, { connections: 50, seconds: s });
    await run(plain.url, 1);
    await run(withRules.url, 1);
    // One pair of measurements swings by tens of percent on this machine: alternate the two
    // servers over several rounds (order flipped each round) and take the median ratio.
    const rounds: { none: LoadResult; rules: LoadResult }[] = [];
    for (let i = 0; i < 4; i++) {
      const first = i % 2 === 0 ? await run(plain.url) : await run(withRules.url);
      const second = i % 2 === 0 ? await run(withRules.url) : await run(plain.url);
      rounds.push(i % 2 === 0 ? { none: first, rules: second } : { none: second, rules: first });
    }
    const ratios = rounds.map((r) => r.rules.rps / r.none.rps);
    const med = median(ratios)!;
    const stats = (await (await fetch(`${withRules.url}/__mockforge/rules`, { signal: AbortSignal.timeout(10_000) })).json()) as { matched: number; conditionErrors: number }[];
    return {
      throughput: {
        method: "two MockForge child processes (same static route, 20 non-matching rules vs none), autocannon 50 connections, 4 alternating rounds, median of the per-round ratios",
        no_rules_rps: rounds.map((r) => Math.round(r.none.rps)),
        rules_20_rps: rounds.map((r) => Math.round(r.rules.rps)),
        round_ratios: ratios.map((x) => ratio(x, 1)),
        ratio: ratio(med, 1),
        target: ">= 0.9",
        met: med >= 0.9,
        rules_p99_ms: median(rounds.map((r) => r.rules.p99)),
        no_rules_p99_ms: median(rounds.map((r) => r.none.p99)),
        errors: rounds.reduce((n, r) => n + r.rules.errors + r.rules.non2xx + r.none.errors + r.none.non2xx, 0),
        rules_loaded: stats.length,
        rules_matched: stats.reduce((s, r) => s + r.matched, 0),
        rule_condition_errors: stats.reduce((s, r) => s + r.conditionErrors, 0),
      },
      evaluation_us_per_request: {
        method: `in-process createRuleEngine(...).evaluate on a fixed GET /static exchange, ${iterations} iterations`,
        rules_20_mix: round(mixUs, 3),
        rules_20_all_unguarded: round(worstUs, 3),
        rules_0: round(noneUs, 3),
      },
    };
  } finally {
    await withRules.stop();
    await plain.stop();
  }
}
