/**
 * Runs one chaos scenario (SPEC §5): `pre_orchestration` hooks, then each step in order
 * (pre-step hooks → its faults go live → its request inside the fault window → the window's
 * remaining `duration_ms` → faults removed → the step's result recorded → post-step hooks),
 * then `post_orchestration` hooks. Faults are removed in a `finally`, so a stop or an abort
 * takes them off at once. The report is kept in the RunStore (kind `scenario`) as it grows.
 */
import { z } from "zod";
import { scenarioSchema, type HookConfig, type HookTypeName, type ScenarioConfig, type ScenarioStepConfig } from "../config/schema/chaos.js";
import { describeError, MockForgeError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import type { EvalEnv } from "../expr/index.js";
import type { RunStore } from "../storage/ports.js";
import { compileTemplate } from "../template/index.js";
import { ExecutionContext } from "./execution-context.js";
import type { FaultController } from "./fault-controller.js";
import type { HookResult } from "./hook-result.js";
import { runHook } from "./hook-runner.js";
import type { HookServices } from "./hook-services.js";
import type { ScenarioReport, StepReport } from "./scenario-report.js";
import { sendStepRequest } from "./step-request.js";
import { validateChaos } from "./validate-chaos.js";

export interface ScenarioServices extends HookServices {
  /** The live server's faults; steps' `chaos_config` go here under source `scenario:<name>`. */
  faults: FaultController;
  /** Where reports are kept (kind `scenario`); absent: only returned. */
  runs?: RunStore;
}

export interface RunScenarioOptions extends ScenarioServices {
  /** Run values, over the scenario's `variables`. */
  variables?: Record<string, unknown>;
  /** Stops the run: the current wait/request is cancelled and faults are removed at once. */
  signal?: AbortSignal;
  /** Use this id instead of a new one (the manager knows it before the run starts). */
  runId?: string;
  /** Told of each hook and step as it finishes (the CLI prints them live). Must not throw. */
  onEvent?: (e: ScenarioEvent) => void;
}

/** A hook or a step that just finished. */
export type ScenarioEvent = { kind: "hook"; step: string | null; hook: HookResult } | { kind: "step"; step: StepReport };

/**
 * @example
 * const report = await runScenario(config.chaos.scenarios[0], { ...services, faults, runs, variables: { order_id: "ord_1" } });
 * report.steps[0].hooks[0].actions[0].deliveryId;
 */
export async function runScenario(scenarioInput: z.input<typeof scenarioSchema>, opts: RunScenarioOptions): Promise<ScenarioReport> {
  const scenario = parseScenario(scenarioInput);
  const { clock, random } = opts;
  const startedAt = clock.now();
  const started = clock.monotonic();
  const source = `scenario:${scenario.name}`;
  const runId = opts.runId ?? newId("run", startedAt, random);
  const ctx = new ExecutionContext({ services: opts, signal: opts.signal, traceId: newId("trc", startedAt, random), traceDepth: 0 });
  const env: EvalEnv = { clock, random, warn: (m) => ctx.warn(m) };
  ctx.variables = { ...initialVariables(scenario, ctx, opts, env), ...(opts.variables ?? {}) };
  const hooks: HookResult[] = [];
  const steps: StepReport[] = [];
  const report = (): ScenarioReport => ({
    id: runId,
    scenario: scenario.name,
    status: "running",
    startedAt,
    finishedAt: null,
    durationMs: null,
    traceId: ctx.traceId!,
    variables: { ...ctx.variables },
    hooks: [...hooks],
    steps: steps.map((s) => ({ ...s, hooks: [...s.hooks] })),
    deliveries: [...ctx.deliveries],
    logs: [...ctx.logs],
    warnings: [...ctx.warnings],
    error: null,
  });
  const save = (r: ScenarioReport) => storeRun(opts, r);
  await save(report());

  const scoped = (type: HookTypeName) => scenario.hooks.filter((h) => h.hook_type === type);
  let error: { code: string; message: string } | null = null;
  try {
    for (const h of scoped("pre_orchestration")) hooks.push(told(opts, null, await runHook(h, ctx, opts, { hookType: "pre_orchestration" })));
    for (const step of scenario.steps) {
      if (opts.signal?.aborted) break;
      const stepReport: StepReport = { name: step.name, status: "running", startedAt: clock.now(), finishedAt: null, faults: null, faultWindowMs: 0, request: null, hooks: [] };
      steps.push(stepReport);
      await runStep(step, stepReport, { ctx, opts, env, source, scenario: scenario.name, around: { pre: scoped("pre_step"), post: scoped("post_step") } });
      opts.onEvent?.({ kind: "step", step: { ...stepReport, hooks: [...stepReport.hooks] } });
      await save(report());
    }
    if (!opts.signal?.aborted) {
      for (const h of scoped("post_orchestration")) hooks.push(told(opts, null, await runHook(h, ctx, opts, { hookType: "post_orchestration" })));
    }
  } catch (e) {
    // Hooks and requests record their own failures; this is only for the unexpected.
    error = describeError(e);
  } finally {
    opts.faults.clear(source);
  }
  const final = report();
  final.finishedAt = clock.now();
  final.durationMs = clock.monotonic() - started;
  if (opts.signal?.aborted) {
    final.status = "stopped";
    final.error = { code: "STOPPED", message: `scenario '${scenario.name}' was stopped` };
  } else if (error) {
    final.status = "failed";
    final.error = error;
  } else final.status = steps.every((s) => s.status === "succeeded") ? "succeeded" : "failed";
  await save(final);
  return final;
}

interface StepRun {
  ctx: ExecutionContext;
  opts: RunScenarioOptions;
  env: EvalEnv;
  source: string;
  scenario: string;
  around: { pre: HookConfig[]; post: HookConfig[] };
}

async function runStep(step: ScenarioStepConfig, out: StepReport, run: StepRun): Promise<void> {
  const { ctx, opts, env, source } = run;
  const { clock } = opts;
  for (const h of [...run.around.pre, ...step.pre_hooks]) out.hooks.push(told(opts, step.name, await runHook(h, ctx, opts, { hookType: "pre_step", step: step.name })));

  const windowStart = clock.monotonic();
  let response: Awaited<ReturnType<typeof sendStepRequest>> | null = null;
  try {
    if (step.chaos_config && !ctx.signal?.aborted) {
      opts.faults.set(source, step.chaos_config);
      if (opts.faults.list().some((f) => f.source === source)) out.faults = step.chaos_config;
    }
    if (step.request && !ctx.signal?.aborted) {
      response = await sendStepRequest(step.request, ctx, opts, { source: `${run.scenario}/${step.name}`, env, path: `steps.${step.name}.request` });
      out.request = response.report;
    }
    const remaining = (step.duration_ms ?? 0) - (clock.monotonic() - windowStart);
    if (remaining > 0 && !ctx.signal?.aborted) await clock.sleep(remaining, ctx.signal).catch(() => undefined);
  } finally {
    opts.faults.clear(source);
    if (out.faults) out.faultWindowMs = clock.monotonic() - windowStart;
  }

  const failed = response !== null && !response.report.ok;
  ctx.recordStep({
    name: step.name,
    outcome: failed ? "failed" : "succeeded",
    status: response && response.report.status > 0 ? response.report.status : null,
    headers: response?.headers ?? null,
    body: response?.body ?? null,
    extracted: response?.report.extracted ?? {},
    error: response?.report.error ?? null,
  });
  if (!ctx.signal?.aborted) {
    for (const h of [...step.post_hooks, ...run.around.post]) out.hooks.push(told(opts, step.name, await runHook(h, ctx, opts, { hookType: "post_step", step: step.name })));
  }
  out.status = ctx.signal?.aborted ? "stopped" : failed ? "failed" : "succeeded";
  out.finishedAt = clock.now();
}

function told(opts: RunScenarioOptions, step: string | null, hook: HookResult): HookResult {
  opts.onEvent?.({ kind: "hook", step, hook });
  return hook;
}

/** Validates a scenario given in code (config ones were validated at load; re-checking is cheap). */
function parseScenario(input: z.input<typeof scenarioSchema>): ScenarioConfig {
  const parsed = scenarioSchema.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new MockForgeError("MFG_ERR_CONFIG_INVALID", `Scenario is not valid: ${first.path.join(".")}: ${first.message}`, { path: first.path.join(".") });
  }
  const issues = validateChaos({ scenarios: [parsed.data] });
  if (issues.length > 0) {
    const first = issues[0]!;
    const path = first.path.slice(2).join(".");
    throw new MockForgeError(first.code, `Scenario '${parsed.data.name}' is not valid: ${path}: ${first.message}`, { path, ...(first.hint ? { hint: first.hint } : {}) });
  }
  return parsed.data;
}

/** The scenario's `variables`, rendered once (`order_id: "{{uuid}}"`) with the run's values visible. */
function initialVariables(scenario: ScenarioConfig, ctx: ExecutionContext, opts: RunScenarioOptions, env: EvalEnv): Record<string, unknown> {
  if (!scenario.variables) return {};
  ctx.variables = { ...(opts.variables ?? {}) };
  const rendered = compileTemplate(scenario.variables, "variables").render(ctx.templateScope(opts), env);
  return rendered as Record<string, unknown>;
}

async function storeRun(opts: RunScenarioOptions, r: ScenarioReport): Promise<void> {
  if (!opts.runs) return;
  try {
    await opts.runs.put({ id: r.id, kind: "scenario", refId: r.scenario, status: r.status, startedAt: r.startedAt, finishedAt: r.finishedAt, data: r });
  } catch (e) {
    opts.logger.warn({ run: r.id, err: describeError(e) }, `could not store scenario run ${r.id}`);
  }
}
