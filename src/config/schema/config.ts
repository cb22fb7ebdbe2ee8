/**
 * The root config schema (SPEC §1): one document, every section optional with defaults, so
 * the seed's receiver config (`http.port` and one route) is a complete config.
 */
import { z } from "zod";
import { httpConfigSchema } from "./http.js";
import { routesConfigSchema } from "./routes.js";
import { scriptingConfigSchema } from "./scripting.js";
import { journalConfigSchema, storageConfigSchema } from "./storage.js";
import { webhooksConfigSchema } from "./webhooks.js";

export const configSchema = z.strictObject({
  /** Lets a JSON config name its JSON Schema for editors; not used otherwise. */
  $schema: z.string().optional().describe("URL or path of this file's JSON Schema (editor support only)"),
  http: httpConfigSchema.prefault({}),
  routes: routesConfigSchema.default([]).describe("Mocked endpoints"),
  storage: storageConfigSchema,
  journal: journalConfigSchema.prefault({}),
  webhooks: webhooksConfigSchema.prefault({}).describe("Defaults for every outbound delivery"),
  scripting: scriptingConfigSchema.prefault({}).describe("Sandbox limits for scripts"),
  // Sections of later issues are added here, each from its own schema file:
  // `chains` (SPEC §4), `chaos` (§5), `intelligent_behavior` (§7).
});

/** A loaded config: every default filled in. */
export type MockForgeConfig = z.output<typeof configSchema>;
/** A config as written (defaults optional), for building one in code. */
export type MockForgeConfigInput = z.input<typeof configSchema>;
