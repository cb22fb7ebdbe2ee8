/**
 * Config schema for the top-level `scripting` section (SPEC §6): the sandbox's default limits
 * and worker pool. The limits' defaults (5 s, 64 MiB, 20 calls, 200 log lines) live here and
 * nowhere else: the runtime reads them as `scriptingConfigSchema.parse({})`. The pool size has
 * no literal default: one worker per CPU the process may use (`ScriptRuntime`). Per-script
 * `timeout_ms` on chain links and rule actions overrides `timeout_ms` here.
 */
import { z } from "zod";

/** An environment variable's name (no `=`, which would end it). */
export const envNameSchema = z.string().min(1).regex(/^[^=\0]+$/, { error: "an environment variable name holds no '=' or NUL" });

export const scriptingConfigSchema = z.strictObject({
  timeout_ms: z
    .number()
    .int()
    .min(1)
    .max(600_000)
    .default(5000)
    .describe("Wall-time limit per script run in ms, awaited calls included"),
  memory_mb: z.number().int().min(1).max(2048).default(64).describe("Heap limit per script run in MiB"),
  max_http_calls: z
    .number()
    .int()
    .min(0)
    .default(20)
    .describe("mockforge.http calls allowed per run; further calls reject with MFG_ERR_SCRIPT_LIMIT"),
  max_log_lines: z
    .number()
    .int()
    .min(0)
    .default(200)
    .describe("console lines kept per run; the rest are counted as dropped"),
  pool_size: z
    .number()
    .int()
    .min(1)
    .max(64)
    .optional()
    .describe("Worker threads running scripts; one script per worker at a time (default: CPU cores)"),
  max_pool_share: z
    .number()
    .gt(0)
    .max(1)
    .default(0.5)
    .describe("Share of the workers one route's (or chain's, or rule's) scripts may hold at once, at least one worker; 1 lets one route take the whole pool"),
  env_allowlist: z
    .array(envNameSchema)
    .optional()
    .meta({ deprecated: true })
    .describe("Deprecated: use the top-level env_allowlist (this list is merged into it, with a warning at load)"),
});

export type ScriptingConfig = z.infer<typeof scriptingConfigSchema>;
