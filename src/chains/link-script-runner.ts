/**
 * What the executor needs from the script sandbox to run a link's `pre_script`/`post_script`.
 * `createLinkScriptRunner` (link-script-runner-adapter.ts) builds it from the scripting
 * module's runtime; keeping the executor on this small shape keeps it testable on its own.
 */
import type { LinkResponseRecord } from "./chain-run.js";
import type { RequestScope } from "./render-link-request.js";

export interface LinkScriptInput {
  chainId: string;
  linkId: string;
  /** The chain context (`mockforge.chain_context`) as a plain object. */
  chainContext: Record<string, unknown>;
  /** `mockforge.variables`; changes are kept for later links. */
  variables: Record<string, unknown>;
  /** `mockforge.request`. */
  request: RequestScope;
  /** `mockforge.response`, for a post_script. */
  response: LinkResponseRecord | null;
}

export interface LinkScriptOutcome {
  chainContext: Record<string, unknown>;
  variables: Record<string, unknown>;
  logs: { level: string; message: string }[];
  /** The script's error (syntax, throw, timeout, limit) with its line, or null. */
  error: { code: string; message: string } | null;
}

export interface LinkScriptRunner {
  run(kind: "pre_script" | "post_script", code: string, input: LinkScriptInput, options: { timeoutMs?: number; signal: AbortSignal }): Promise<LinkScriptOutcome>;
}
