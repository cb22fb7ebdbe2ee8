import { describe, expect, it } from "vitest";
import { scriptingConfigSchema } from "./scripting.js";

describe("scripting config schema", () => {
  it("accepts every limit, the pool size and share, and the (deprecated) env allowlist", () => {
    const c = { timeout_ms: 2000, memory_mb: 32, max_http_calls: 5, max_log_lines: 50, pool_size: 4, max_pool_share: 1, env_allowlist: ["WEBHOOK_SECRET"] };
    expect(scriptingConfigSchema.parse(c)).toEqual(c);
    expect(scriptingConfigSchema.parse({})).toEqual({ timeout_ms: 5000, memory_mb: 64, max_http_calls: 20, max_log_lines: 200, max_pool_share: 0.5 });
  });

  it("refuses unknown keys and impossible values", () => {
    expect(scriptingConfigSchema.safeParse({ timeout: 5 }).success).toBe(false);
    expect(scriptingConfigSchema.safeParse({ timeout_ms: 0 }).success).toBe(false);
    expect(scriptingConfigSchema.safeParse({ pool_size: 1.5 }).success).toBe(false);
    expect(scriptingConfigSchema.safeParse({ env_allowlist: [""] }).success).toBe(false);
    expect(scriptingConfigSchema.safeParse({ max_pool_share: 0 }).success).toBe(false);
    expect(scriptingConfigSchema.safeParse({ max_pool_share: 1.5 }).success).toBe(false);
  });
});
