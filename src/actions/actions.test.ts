/**
 * The error paths of the shared actions that a server's own config cannot reach (it refuses such
 * configs at load), but a caller of the hook or rule services can.
 */
import { describe, expect, it } from "vitest";
import { systemClock } from "../core/clock.js";
import { systemRandom } from "../core/random.js";
import type { EvalEnv } from "../expr/index.js";
import { runChainAction } from "./run-chain-action.js";
import { triggerWebhookAction } from "./trigger-webhook.js";

const env: EvalEnv = { clock: systemClock, random: systemRandom };

describe("shared actions", () => {
  it("trigger_webhook without an OpenAPI service says that no spec is loaded", async () => {
    const run = triggerWebhookAction(undefined, { action: { event: "newPet" }, templates: {}, scope: {}, env, baseUrl: undefined, trace: { traceId: null, depth: 0 } });
    await expect(run).rejects.toMatchObject({ code: "MFG_ERR_OPENAPI_UNKNOWN_EVENT", message: expect.stringContaining("no OpenAPI spec is loaded") });
  });

  it("execute_chain: a failed run without an error of its own is MFG_ERR_CHAIN_FAILED; no runner is MFG_ERR_CHAIN_NOT_FOUND", async () => {
    const failed = await runChainAction({ run: async () => ({ id: "run_1", status: "failed" }) }, "orders", () => ({}), "hint");
    expect(failed.error).toEqual({ code: "MFG_ERR_CHAIN_FAILED", message: "chain run run_1 failed" });
    const ok = await runChainAction({ run: async () => ({ id: "run_2", status: "succeeded" }) }, "orders", () => ({}), "hint");
    expect(ok.error).toBeNull();
    await expect(runChainAction(undefined, "orders", () => ({}), "add it")).rejects.toMatchObject({ code: "MFG_ERR_CHAIN_NOT_FOUND" });
  });
});
