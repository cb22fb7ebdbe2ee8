import type { RuleEngine, RuleExchange } from "../rules/index.js";
import type { AfterResponse, Exchange } from "./mock-engine.js";

/** After-response hook that hands every served exchange to the consistency rules. */
export function ruleEvaluator(rules: RuleEngine): AfterResponse {
  // Rules see every served exchange, unmatched ones (404/405) included.
  const run = (ex: Exchange) => {
    const req = ex.request;
    const exchange: RuleExchange = {
      method: req.method,
      path: req.path,
      status: ex.response.status,
      headers: req.headers,
      query: req.query,
      params: ex.params,
      body: req.body,
      response: ex.response,
      trace: { id: ex.trace.traceId, depth: ex.trace.depth },
      requestId: req.id,
    };
    rules.evaluate(exchange);
  };
  return { wants: () => true, run };
}
