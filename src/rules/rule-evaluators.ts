/**
 * How the rules plug into the request engine: as work before or after the answer
 * (engine/mock-engine.ts `BeforeResponse` / `AfterResponse`), given the engine's exchange as
 * it is. `wants` asks the rule index first, so a request no rule can match (by its method,
 * path and status) makes the engine build no exchange for them.
 */
import type { CompiledRoute } from "../engine/compiled-route.js";
import type { AfterResponse, BeforeResponse } from "../engine/mock-engine.js";
import type { MockRequest } from "../engine/mock-request.js";
import type { RuleEngine } from "./rule-engine.js";

function wantsOf(rules: RuleEngine): (route: CompiledRoute | null, req: MockRequest, status: number) => boolean {
  // Rules see every served exchange, unmatched ones (404/405) included: the route plays no part.
  return (_route, req, status) => rules.mayMatch(req.method, req.path, status);
}

/** `webhooks.persist: after_response`: hands every served exchange to the consistency rules once the answer went out. */
export function ruleEvaluator(rules: RuleEngine): AfterResponse {
  return { wants: wantsOf(rules), run: (ex) => void rules.evaluate(ex) };
}

/**
 * `webhooks.persist: before_response` (the default): the rules are evaluated as the answer is
 * ready, and the answer waits only when a matched rule queues a webhook (`http_request`,
 * `webhook`, `trigger_webhook`), until it is stored; chains and scripts started by rules run
 * after, as before.
 */
export function ruleEvaluatorBeforeResponse(rules: RuleEngine): BeforeResponse {
  // One list for every request: `evaluate` is synchronous and `Promise.all` copies what it is
  // given, so a request that queues nothing allocates nothing here.
  const stored: Promise<void>[] = [];
  return {
    wants: wantsOf(rules),
    run(ex) {
      rules.evaluate(ex, stored);
      if (stored.length === 0) return null;
      ex.queued = (ex.queued ?? 0) + stored.length;
      const all = Promise.all(stored).then(() => undefined);
      stored.length = 0;
      return all;
    },
  };
}
