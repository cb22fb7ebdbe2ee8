/**
 * One link, start to end: condition → pre_script → render → send (awaited delivery, with the
 * link's retry) → judge the status → extract → context entry → post_script. Writes everything
 * onto the link's draft record as it goes, so a run that is cut short still shows how far the
 * link got.
 */
import { callOptions } from "../actions/outbound-call.js";
import type { Clock } from "../core/clock.js";
import { describeError, isMockForgeError } from "../core/errors.js";
import type { Random } from "../core/random.js";
import type { DeliveryEngine, DeliveryResult } from "../delivery/types.js";
import type { EvalEnv } from "../expr/index.js";
import { applyExtractPath } from "./extract-path.js";
import { linkContextEntry, scriptChanges, type ChainContext } from "./chain-context.js";
import type { LinkReason, LinkResponseRecord, LinkRun } from "./chain-run.js";
import type { LinkScriptRunner } from "./link-script-runner.js";
import type { PreparedChain, PreparedLink } from "./prepared-chain.js";
import { renderLinkRequest, type RequestScope } from "./render-link-request.js";

/** Everything a link reads from its run. */
export interface LinkRunEnv {
  chain: PreparedChain;
  context: ChainContext;
  /** Shared by the run's links; scripts may change it. */
  variables: Record<string, unknown>;
  /** `request.*` at the moment the link renders. */
  requestScope(): RequestScope;
  /** Called once with the request as sent (the run uses the first link's as `request.*`). */
  onRequestRendered(scope: RequestScope): void;
  /** True for the first link of a run with no triggering request: its own request is `request.*` for its headers. */
  selfIsRequest?: boolean;
  deliveries: DeliveryEngine;
  clock: Clock;
  random: Random;
  env: Record<string, string | undefined>;
  baseUrl: string;
  traceId: string;
  traceDepth: number;
  scripts: LinkScriptRunner | null;
  signal: AbortSignal;
}

/** How a link ended (the runner applies it unless the run already cut the link short). */
export interface LinkEnd {
  status: "succeeded" | "failed" | "skipped";
  reason: LinkReason | null;
  error?: { code: string; message: string };
}

const ok = (): LinkEnd => ({ status: "succeeded", reason: null });
const fail = (reason: LinkReason, error: { code: string; message: string }): LinkEnd => ({ status: "failed", reason, error });

function addWarning(draft: LinkRun, message: string): void {
  if (!draft.warnings.includes(message)) draft.warnings.push(message);
}

/**
 * Runs one link, filling `draft`. Never throws: every outcome is a `LinkEnd`.
 *
 * @example
 * const end = await runLink(prepared.links[0], draft, linkEnv);
 */
export async function runLink(link: PreparedLink, draft: LinkRun, run: LinkRunEnv): Promise<LinkEnd> {
  const evalEnv: EvalEnv = { clock: run.clock, random: run.random, warn: (message) => addWarning(draft, message) };
  const scope = (): Record<string, unknown> => ({
    chain: run.context.snapshot(),
    request: run.requestScope(),
    variables: run.variables,
    env: run.env,
    base_url: run.baseUrl,
  });

  if (link.condition) {
    try {
      if (!link.condition.evaluate(scope(), evalEnv)) return { status: "skipped", reason: "condition_false" };
    } catch (e) {
      return fail("render_error", describeError(e));
    }
  }

  const scripting = link.config.scripting;
  if (scripting?.pre_script !== undefined) {
    const end = await runScript("pre_script", scripting.pre_script, null, link, draft, run);
    if (end) return end;
  }

  let rendered;
  try {
    rendered = renderLinkRequest(link, scope(), evalEnv, { selfIsRequest: run.selfIsRequest === true });
  } catch (e) {
    return fail("render_error", describeError(e));
  }
  draft.request = rendered.record;
  run.onRequestRendered(rendered.scope);

  const req = link.config.request;
  let result: DeliveryResult;
  try {
    // Without its own signing, the engine signs with `webhooks.signing` when the config has one.
    const options = callOptions(req, { source: { kind: "chain", id: run.chain.id }, trace: { traceId: run.traceId, depth: run.traceDepth } });
    result = await run.deliveries.send(rendered.outbound, { ...options, signal: run.signal });
  } catch (e) {
    const err = describeError(e);
    return fail(isMockForgeError(e, "MFG_ERR_DELIVERY_ABORTED") ? "cancelled" : "request_error", err);
  }
  draft.deliveryId = result.deliveryId;
  draft.attempts = result.attempts;

  if (result.status === 0) {
    const err = result.error ?? { code: "MFG_ERR_DELIVERY_CONNECT", message: "no response" };
    const reason: LinkReason =
      err.code === "MFG_ERR_DELIVERY_TIMEOUT" ? "timeout" : err.code === "MFG_ERR_DELIVERY_ABORTED" ? "cancelled" : "request_error";
    return fail(reason, { code: err.code, message: `${rendered.record.method} ${rendered.record.url}: ${err.message} (after ${result.attempts} attempt${result.attempts === 1 ? "" : "s"})` });
  }

  const response: LinkResponseRecord = { status: result.status, headers: result.headers, body: result.body };
  draft.response = response;
  for (const { name, path } of link.extract) {
    const value = applyExtractPath(path, response);
    if (value === undefined) addWarning(draft, `extract '${name}': ${link.config.extract?.[name]} found nothing in the response`);
    else draft.extracted[name] = value;
  }

  const expected = req.expected_status === undefined ? null : Array.isArray(req.expected_status) ? req.expected_status : [req.expected_status];
  const good = expected ? expected.includes(result.status) : result.status >= 200 && result.status < 400;
  if (!good) {
    const wanted = expected ? `one of ${expected.join(", ")}` : "a 2xx or 3xx status";
    return fail("http_status", {
      code: "MFG_ERR_DELIVERY_HTTP",
      message: `${rendered.record.method} ${rendered.record.url} answered ${result.status}, expected ${wanted}`,
    });
  }

  run.context.setLink(link.name, linkContextEntry(response, draft.extracted), draft.extracted);

  if (scripting?.post_script !== undefined) {
    const end = await runScript("post_script", scripting.post_script, response, link, draft, run);
    if (end) return end;
  }
  return ok();
}

/** Runs one script; returns a LinkEnd when the link must stop here, else null. */
async function runScript(
  kind: "pre_script" | "post_script",
  code: string,
  response: LinkResponseRecord | null,
  link: PreparedLink,
  draft: LinkRun,
  run: LinkRunEnv,
): Promise<LinkEnd | null> {
  if (!run.scripts) {
    // runChain refuses chains with scripts when no runtime is given; this guards direct callers.
    return fail("script_error", { code: "MFG_ERR_CHAIN_INVALID", message: `link '${link.id}' has a ${kind} but no script runtime was given` });
  }
  const before = run.context.snapshot();
  const varsBefore = { ...run.variables };
  let outcome;
  try {
    outcome = await run.scripts.run(
      kind,
      code,
      // Copies: the runner may hand these to code that mutates them, and `before` must stay as it was.
      { chainId: run.chain.id, linkId: link.id, chainContext: structuredClone(before), variables: structuredClone(varsBefore), request: run.requestScope(), response },
      { ...(link.config.scripting?.timeout_ms !== undefined ? { timeoutMs: link.config.scripting.timeout_ms } : {}), signal: run.signal },
    );
  } catch (e) {
    outcome = { chainContext: before, variables: varsBefore, logs: [], error: describeError(e) };
  }
  for (const l of outcome.logs) draft.scriptLogs.push({ script: kind, level: l.level, message: l.message });
  run.context.applyScriptChanges(before, outcome.chainContext);
  const vars = scriptChanges(varsBefore, outcome.variables);
  for (const [k, v] of vars.set) run.variables[k] = v;
  for (const k of vars.deleted) delete run.variables[k];
  if (!outcome.error) return null;
  // The runner's messages already name the chain, link and script (the sandbox's label).
  const err = { code: outcome.error.code, message: outcome.error.message };
  if (link.config.scripting?.continue_on_script_error) {
    addWarning(draft, `${err.message} (continued: continue_on_script_error is true)`);
    draft.error = err;
    return null;
  }
  return fail("script_error", err);
}
