import type { RuleEngine, RuleExchange } from "../rules/index.js";
import type { AfterResponse, BeforeResponse, Exchange } from "./mock-engine.js";

function ruleExchange(ex: Exchange): RuleExchange {
  const req = ex.request;
  return {
    method: req.method,
    path: req.path,
    status: ex.response.status,
    headers: req.headers,
    query: req.query,
    params: ex.params,
    body: req.body,
    response: ex.response,
    trace: ex.trace,
    requestId: req.id,
  };
}

/** `webhooks.persist: after_response`: hands every served exchange to the consistency rules once the answer went out. */
export function ruleEvaluator(rules: RuleEngine): AfterResponse {
  // Rules see every served exchange, unmatched ones (404/405) included.
  return { wants: () => true, run: (ex) => void rules.evaluate(ruleExchange(ex)) };
}

/**
 * `webhooks.persist: before_response` (the default): the rules are evaluated as the answer is
 * ready, and the answer waits only when a matched rule queues a webhook (`http_request`,
 * `webhook`), until it is stored; chains and scripts started by rules run after, as before.
 */
export function ruleEvaluatorBeforeResponse(rules: RuleEngine): BeforeResponse {
  return {
    wants: () => true,
    run(ex) {
      const stored: Promise<void>[] = [];
      rules.evaluate(ruleExchange(ex), stored);
      ex.queued = (ex.queued ?? 0) + stored.length;
      return stored.length === 0 ? null : Promise.all(stored).then(() => undefined);
    },
  };
}
