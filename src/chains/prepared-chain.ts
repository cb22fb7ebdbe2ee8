/**
 * A chain after validation: ids, names and dependencies resolved, every template and condition
 * compiled, extract paths parsed. The executor only ever runs a `PreparedChain`, so nothing is
 * parsed twice and nothing invalid reaches the network.
 */
import type { ChainConfig, ChainLinkConfig } from "../config/schema/chains.js";
import type { EvalEnv } from "../expr/index.js";
import type { ExtractPath } from "./extract-path.js";

/** A compiled template: renders a YAML value (strings inside it are templates) over a scope. */
export interface LinkTemplate {
  render(scope: Record<string, unknown>, env: EvalEnv): unknown;
}

/** A compiled condition. */
export interface LinkCondition {
  evaluate(scope: Record<string, unknown>, env: EvalEnv): boolean;
}

export interface PreparedLink {
  /** Position in the chain's `links`. */
  index: number;
  /** The request id. */
  id: string;
  /** Its entry name in `chain.*`: `store_as`, else the id. */
  name: string;
  config: ChainLinkConfig;
  /** Declared (link and request `depends_on`) plus inferred, without duplicates, in link order. */
  dependsOn: string[];
  /** Links this one depends on only because its templates read their `chain.<name>`. */
  inferredDependsOn: string[];
  method: LinkTemplate;
  url: LinkTemplate;
  headers: LinkTemplate | null;
  body: LinkTemplate | null;
  condition: LinkCondition | null;
  extract: { name: string; path: ExtractPath }[];
  /**
   * True when the link's templates read `request.*`, the first link's request stands in for a
   * missing triggering request, and waiting for it cannot deadlock (the first link does not
   * depend on this one): the link then starts only once the first link's request is rendered.
   */
  waitsForFirstRequest: boolean;
}

export interface PreparedChain {
  id: string;
  name: string;
  description: string | null;
  /** The chain as given (snake_case keys), with `id` and `name` filled in. */
  config: ChainConfig & { id: string; name: string };
  links: PreparedLink[];
  /** Unknown `chain.*` names and other things that do not stop the chain from running. */
  warnings: string[];
  /** True when any link has a `pre_script` or `post_script`. */
  hasScripts: boolean;
  /** Links in flight at once. */
  maxConcurrency: number;
  /** Whole-run deadline, null for none. */
  timeoutMs: number | null;
}
