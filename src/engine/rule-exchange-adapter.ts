import type { RuleEngine, RuleExchange } from "../rules/index.js";
import type { Exchange } from "./mock-engine.js";

/** After-response hook that hands every served exchange to the consistency rules. */
export function ruleEvaluator(rules: RuleEngine): (ex: Exchange) => void {
  return (ex) => {
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
}
