/**
 * The programmatic hook API (SPEC §9), the TypeScript twin of the seed's Rust snippet:
 * `HookType`, `HookAction`, `Hook` and `await hook.execute(context)`. Hooks built here are
 * validated by the same schema as config hooks and run by the same runner.
 */
import { z } from "zod";
import { hookActionSchema, hookSchema, type HookActionConfig, type HookConditionInput, type HookTypeName } from "../config/schema/chaos.js";
import { MockForgeError } from "../core/errors.js";
import { ExecutionContext } from "./execution-context.js";
import type { HookResult } from "./hook-result.js";
import { runHook } from "./hook-runner.js";
import type { HookServices } from "./hook-services.js";

/**
 * When a hook runs, by its Rust name: `HookType.PostStep === "post_step"`.
 *
 * @example
 * new Hook({ name: "n", hookType: HookType.PostStep, actions: [...] })
 */
export const HookType = {
  PreStep: "pre_step",
  PostStep: "post_step",
  PreOrchestration: "pre_orchestration",
  PostOrchestration: "post_orchestration",
} as const satisfies Record<string, HookTypeName>;
export type HookType = HookTypeName;

type ActionInput = z.input<typeof hookActionSchema>;
type ActionOf<T extends ActionInput["type"]> = Extract<ActionInput, { type: T }>;
type Fields<T extends ActionInput["type"]> = Omit<ActionOf<T>, "type">;

/**
 * Hook actions, built like the Rust enum's variants (`HookAction::HttpRequest { … }`). Plain
 * objects with a `type` (`{ type: "http_request", url, method, body }`) work as well.
 *
 * @example
 * HookAction.HttpRequest({ url: "https://webhook.example.com/orders", method: "POST", body: { event: "order.created" } })
 * HookAction.SetVariable({ name: "order_status", value: "completed" })
 */
export const HookAction = {
  HttpRequest: (fields: Fields<"http_request">): ActionOf<"http_request"> => ({ type: "http_request", ...fields }),
  SetVariable: (fields: Fields<"set_variable">): ActionOf<"set_variable"> => ({ type: "set_variable", ...fields }),
  Log: (fields: Fields<"log">): ActionOf<"log"> => ({ type: "log", ...fields }),
  ExecuteChain: (fields: Fields<"execute_chain">): ActionOf<"execute_chain"> => ({ type: "execute_chain", ...fields }),
  Wait: (fields: Fields<"wait">): ActionOf<"wait"> => ({ type: "wait", ...fields }),
} as const;
/** One hook action, defaults applied (`method` is always set). */
export type HookAction = HookActionConfig;

export interface HookInit {
  name: string;
  /** `hook_type` or `hookType`; defaults to `post_step`. */
  hook_type?: HookType;
  hookType?: HookType;
  actions: ActionInput[];
  /** A typed condition or an expression string; `null`/absent: always runs (Rust's `None`). */
  condition?: HookConditionInput | null;
}

/**
 * A hook you can run from code.
 *
 * `execute(context, services?)` uses, in order: the `services` argument, `context.services`
 * (e.g. a started server's), or `fallbackServices()`. Here that refuses; the `Hook` exported by
 * the package (`src/standalone-hooks.ts`) falls back to a process-wide in-memory delivery engine
 * so the snippet below works with no server. The hook's `http_request` actions are queued
 * (fire-and-forget); `context.deliveries` lists their ids.
 *
 * @example
 * const webhookHook = new Hook({
 *   name: "order_webhook",
 *   hookType: HookType.PostStep,
 *   actions: [
 *     HookAction.HttpRequest({
 *       url: "https://webhook.example.com/orders",
 *       method: "POST",
 *       body: { event: "order.created", order_id: "ord_123" },
 *     }),
 *   ],
 *   condition: null,
 * });
 * const context = new ExecutionContext();
 * const result = await webhookHook.execute(context);
 * result.actions[0].deliveryId; // the queued delivery
 */
export class Hook {
  readonly name: string;
  readonly hookType: HookType;
  readonly actions: readonly HookAction[];
  readonly condition: HookConditionInput | undefined;
  private readonly config: z.infer<typeof hookSchema>;

  constructor(init: HookInit) {
    const hookType = init.hook_type ?? init.hookType ?? HookType.PostStep;
    const parsed = hookSchema.safeParse({
      name: init.name,
      hook_type: hookType,
      actions: init.actions,
      ...(init.condition === null || init.condition === undefined ? {} : { condition: init.condition }),
    });
    if (!parsed.success) {
      const first = parsed.error.issues[0]!;
      const path = first.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "");
      throw new MockForgeError("MFG_ERR_CONFIG_INVALID", `Hook '${init.name}' is not valid: ${path ? `${path}: ` : ""}${first.message}`, {
        path,
        hint: "Actions are { type: http_request | set_variable | log | execute_chain | wait, … }; see HookAction.",
      });
    }
    this.config = parsed.data;
    this.name = parsed.data.name;
    this.hookType = hookType;
    this.actions = parsed.data.actions;
    this.condition = parsed.data.condition;
  }

  /** Runs the hook against `context`; resolves with what each action did (never rejects for a failing action). */
  async execute(context: ExecutionContext = new ExecutionContext(), services?: HookServices): Promise<HookResult> {
    const bound = services ?? context.services ?? (await this.fallbackServices());
    return runHook(this.config, context, bound, { hookType: this.hookType });
  }

  /** The services used when neither the call nor the context brings any. */
  protected fallbackServices(): Promise<HookServices> {
    return Promise.reject(
      new MockForgeError("MFG_ERR_BAD_REQUEST", `Hook '${this.name}' has no services to run with`, {
        hint: "pass services to execute(), or set them on the ExecutionContext; the package's Hook falls back to an in-memory engine",
      }),
    );
  }
}

