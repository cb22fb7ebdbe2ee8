/**
 * Config schema for the top-level `scripting` section (SPEC §6): the sandbox's default limits
 * and worker pool. Every field is optional; the script runtime fills in its own defaults
 * (5 s, 64 MiB, 20 calls, 200 log lines, one worker per CPU core). Per-script `timeout_ms`
 * on chain links and rule actions overrides `timeout_ms` here.
 */
import { z } from "zod";

export const scriptingConfigSchema = z.strictObject({
  timeout_ms: z
    .number()
    .int()
    .min(1)
    .max(600_000)
    .optional()
    .describe("Wall-time limit per script run in ms, awaited calls included (default 5000)"),
  memory_mb: z.number().int().min(1).max(2048).optional().describe("Heap limit per script run in MiB (default 64)"),
  max_http_calls: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("mockforge.http calls allowed per run; further calls reject with MFG_ERR_SCRIPT_LIMIT (default 20)"),
  max_log_lines: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("console lines kept per run; the rest are counted as dropped (default 200)"),
  pool_size: z
    .number()
    .int()
    .min(1)
    .max(64)
    .optional()
    .describe("Worker threads running scripts; one script per worker at a time (default: CPU cores)"),
  env_allowlist: z
    .array(z.string().min(1))
    .optional()
    .describe("Environment variables scripts may read as mockforge.env.NAME (default: none)"),
});

export type ScriptingConfig = z.infer<typeof scriptingConfigSchema>;
