/**
 * The config's OpenAPI overrides must name what the spec has: an override of a callback that
 * does not exist would otherwise be ignored without a word (house rule: no silently ignored keys).
 */
import type { OpenApiSpecConfig } from "../config/index.js";
import { MockForgeError } from "../core/errors.js";
import type { SpecModel } from "./spec-model.js";

/** @throws MockForgeError MFG_ERR_CONFIG_INVALID naming the unknown key and the known ones */
export function checkOverrideKeys(model: SpecModel, cfg: OpenApiSpecConfig): void {
  const ops = new Map(model.operations.filter((o) => o.operationId).map((o) => [o.operationId!, o]));
  for (const [opId, byName] of Object.entries(cfg.callbacks)) {
    const op = ops.get(opId);
    if (!op) {
      throw new MockForgeError("MFG_ERR_CONFIG_INVALID", `openapi[${cfg.spec}].callbacks.${opId}: ${model.file} has no operation with operationId '${opId}'`, {
        path: `openapi.callbacks.${opId}`,
        hint: `operations with callbacks: ${[...ops.values()].filter((o) => o.callbacks.length > 0).map((o) => o.operationId).join(", ") || "none"}`,
      });
    }
    for (const name of Object.keys(byName)) {
      if (!op.callbacks.some((c) => c.name === name)) {
        throw new MockForgeError("MFG_ERR_CONFIG_INVALID", `openapi[${cfg.spec}].callbacks.${opId}.${name}: operation ${opId} has no callback '${name}'`, {
          path: `openapi.callbacks.${opId}.${name}`,
          hint: `its callbacks: ${op.callbacks.map((c) => c.name).join(", ") || "none"}`,
        });
      }
    }
  }
  for (const name of Object.keys(cfg.webhooks)) {
    if (!model.webhooks.some((w) => w.name === name)) {
      throw new MockForgeError("MFG_ERR_CONFIG_INVALID", `openapi[${cfg.spec}].webhooks.${name}: ${model.file} has no webhook '${name}'`, {
        path: `openapi.webhooks.${name}`,
        hint: `its webhooks: ${model.webhooks.map((w) => w.name).join(", ") || "none"}`,
      });
    }
  }
}
