/**
 * The root config schema (SPEC §1): one document, every section optional with defaults, so
 * the seed's receiver config (`http.port` and one route) is a complete config.
 */
import { z } from "zod";
import { chainsConfigSchema } from "./chains.js";
import { chaosConfigSchema } from "./chaos.js";
import { httpConfigSchema } from "./http.js";
import { intelligentBehaviorSchema } from "./rules.js";
import { openapiConfigSchema } from "./openapi.js";
import { routesConfigSchema } from "./routes.js";
import { envNameSchema, scriptingConfigSchema } from "./scripting.js";
import { journalConfigSchema, storageConfigSchema } from "./storage.js";
import { webhooksConfigSchema } from "./webhooks.js";

export const configSchema = z.strictObject({
  /** Lets a JSON config name its JSON Schema for editors; not used otherwise. */
  $schema: z.string().optional().describe("URL or path of this file's JSON Schema (editor support only)"),
  env_allowlist: z
    .array(envNameSchema)
    .default([])
    .describe(
      "Environment variables readable as env.NAME everywhere (templates, conditions, scripts), by routes and chains added at run time too; a config file may also read the names it writes literally (docs/security.md)",
    ),
  http: httpConfigSchema.prefault({}),
  routes: routesConfigSchema.default([]).describe("Mocked endpoints"),
  storage: storageConfigSchema,
  journal: journalConfigSchema.prefault({}),
  webhooks: webhooksConfigSchema.prefault({}).describe("Defaults for every outbound delivery"),
  scripting: scriptingConfigSchema.prefault({}).describe("Sandbox limits for scripts"),
  chains: chainsConfigSchema.default([]).describe("Inline chains, or paths/globs of chain files relative to this file (SPEC §4)"),
  chaos: chaosConfigSchema.prefault({}).describe("Chaos scenarios with hooks, and always-on faults (SPEC §5)"),
  intelligent_behavior: intelligentBehaviorSchema.prefault({}).describe("Consistency rules (SPEC §7)"),
  openapi: openapiConfigSchema.default([]).describe("OpenAPI 3.0/3.1 specs to serve (docs/openapi.md)"),
});

/** A loaded config: every default filled in. */
export type MockForgeConfig = z.output<typeof configSchema>;
/** A config as written (defaults optional), for building one in code. */
export type MockForgeConfigInput = z.input<typeof configSchema>;
