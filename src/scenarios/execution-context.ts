/**
 * The mutable state hooks run against (the seed's `ExecutionContext`): scenario variables,
 * finished steps, and what happened along the way (logs, warnings, deliveries, hook results).
 * A scenario run owns one; the programmatic API creates one with `new ExecutionContext()`.
 */
import type { Headers } from "../storage/ports.js";
import type { HookServices } from "./hook-services.js";
import type { ContextLog, HookResult } from "./hook-result.js";
import type { StepRequestReport } from "./scenario-report.js";
import type { ConditionSubject } from "./typed-condition.js";

/**
 * A finished step, visible to conditions and templates as `steps.<name>`: its request's answer,
 * with `extracted` and `error` as the step's report has them (the runner copies them over).
 */
export interface StepResult extends Pick<StepRequestReport, "extracted" | "error"> {
  name: string;
  /** `failed` when the step's request got no answer or an unexpected status. */
  outcome: "succeeded" | "failed";
  /** HTTP status of the step's request, null when it made none or got no answer. */
  status: number | null;
  headers: Headers | null;
  body: unknown;
}

export interface ExecutionContextInit {
  /** Initial `variables.*`. */
  variables?: Record<string, unknown>;
  /** Services hooks use when `execute` is not given any; see `Hook.execute`. */
  services?: HookServices;
  /** Aborts `wait` actions and in-flight calls. */
  signal?: AbortSignal;
  /** Trace the context's calls belong to (sent as `x-mockforge-trace`). */
  traceId?: string | null;
  traceDepth?: number;
}

/**
 * @example
 * const context = new ExecutionContext({ variables: { order_id: "ord_123" } });
 * await hook.execute(context);
 * context.deliveries; // ids of the deliveries the hook queued
 */
export class ExecutionContext implements ConditionSubject {
  variables: Record<string, unknown>;
  readonly steps: StepResult[] = [];
  readonly logs: ContextLog[] = [];
  readonly warnings: string[] = [];
  /** Ids of deliveries made through this context, in order. */
  readonly deliveries: string[] = [];
  readonly hookResults: HookResult[] = [];
  services: HookServices | undefined;
  signal: AbortSignal | undefined;
  traceId: string | null;
  traceDepth: number;

  constructor(init: ExecutionContextInit = {}) {
    this.variables = { ...(init.variables ?? {}) };
    this.services = init.services;
    this.signal = init.signal;
    this.traceId = init.traceId ?? null;
    this.traceDepth = init.traceDepth ?? 0;
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  /** Records a finished step; `previous_step_*` conditions read the latest one. */
  recordStep(result: StepResult): void {
    this.steps.push(result);
  }

  previousStepOutcome(): "succeeded" | "failed" | undefined {
    return this.steps.at(-1)?.outcome;
  }

  /** Steps by name, as templates and conditions see them. */
  stepsByName(): Record<string, StepResult> {
    const out: Record<string, StepResult> = {};
    for (const s of this.steps) out[s.name] = s;
    return out;
  }

  /**
   * Resolves a typed condition's `variable`: a variable by its exact name first (`order_status`,
   * even a name with dots), then a path whose root is a variable (`order.total`), then a path from
   * the context (`variables.x`, `steps.create_order.status`). Own properties only.
   */
  resolve(variable: string): { found: boolean; value: unknown } {
    if (Object.hasOwn(this.variables, variable)) return { found: true, value: this.variables[variable] };
    const parts = splitPath(variable);
    if (parts.length === 0) return { found: false, value: undefined };
    const [root, ...rest] = parts;
    if (Object.hasOwn(this.variables, root!)) return walk(this.variables[root!], rest);
    if (root === "variables") return walk(this.variables, rest);
    if (root === "steps") return walk(this.stepsByName(), rest);
    return { found: false, value: undefined };
  }

  /** The names templates see: `variables.*`, `steps.*`, `env.*`, `base_url` (plus built-ins such as `now`). */
  templateScope(services: HookServices): Record<string, unknown> {
    return {
      variables: this.variables,
      steps: this.stepsByName(),
      env: services.env,
      base_url: services.baseUrl ?? "",
    };
  }
}

/** `a.b[0].c` → ["a", "b", "0", "c"]. */
function splitPath(path: string): string[] {
  return path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((p) => p.length > 0);
}

function walk(value: unknown, keys: string[]): { found: boolean; value: unknown } {
  let cur = value;
  for (const k of keys) {
    if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, k)) return { found: false, value: undefined };
    cur = (cur as Record<string, unknown>)[k];
  }
  return { found: true, value: cur };
}
