/**
 * Config schemas for request chains (SPEC §4), in the seed's form: a chain file is a document
 * with `id`, `name`, `links`; a link is `request` + `extract`/`store_as`/`depends_on`/`condition`
 * /`scripting`. Plain zod objects with no transforms so the config normaliser can walk them (it
 * maps `storeAs`/`dependsOn`/`postScript` to these snake_case keys). Semantic checks (unique ids,
 * known dependencies, cycles, template syntax) live in `src/chains/validate-chain.ts`.
 */
import { z } from "zod";
import { outboundCallFields } from "./webhooks.js";

/** Link ids a link waits for: one id or a list (`dependsOn: [create_order]`). */
const dependsOnSchema = z.union([z.string().min(1), z.array(z.string().min(1))]);

/** The HTTP call a link makes. Every string in it is a template (SPEC §8). */
export const chainRequestSchema = z.strictObject({
  /** The link's id, unique in the chain; also its name in `chain.<id>` unless `store_as` is given. */
  id: z.string().min(1),
  // The fields every outbound call shares. For a link: `retry` absent means one attempt (an
  // awaited call, SPEC §3); `signing` absent means `webhooks.signing` applies; a string `body`
  // is sent exactly as written (JSON text gets a JSON content type).
  ...outboundCallFields,
  method: z.string().min(1).default("GET"),
  /** Statuses that count as success; without it any 2xx/3xx does. */
  expected_status: z.union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)]).optional(),
  /** Same as the link's `depends_on` (the seed allows both places); the two are merged. */
  depends_on: dependsOnSchema.optional(),
});
export type ChainRequestConfig = z.infer<typeof chainRequestSchema>;

/** JavaScript run around a link's request (SPEC §6). */
export const chainScriptingSchema = z.strictObject({
  /** Runs before the request is rendered; may change the chain context and variables. */
  pre_script: z.string().optional(),
  /** Runs after the response; sees it as `mockforge.response` and in the chain context. */
  post_script: z.string().optional(),
  /** Wall-time limit per script. */
  timeout_ms: z.number().int().min(1).optional(),
  /** When true a script error is recorded on the link but does not fail it. */
  continue_on_script_error: z.boolean().default(false),
});
export type ChainScriptingConfig = z.infer<typeof chainScriptingSchema>;

/** One link of a chain. */
export const chainLinkSchema = z.strictObject({
  request: chainRequestSchema,
  /** Name → path into the response: `body.a.b`, `body.items[0].id`, `status`, `headers.<name>`. */
  extract: z.record(z.string(), z.string()).optional(),
  /** Name of the link's entry in `chain.*` (defaults to the request id). */
  store_as: z.string().min(1).optional(),
  depends_on: dependsOnSchema.optional(),
  /** Expression (may use `{{ }}`); false → the link and its dependents are skipped. */
  condition: z.string().min(1).optional(),
  scripting: chainScriptingSchema.optional(),
});
export type ChainLinkConfig = z.infer<typeof chainLinkSchema>;

/** Run limits of a chain. */
export const chainRunConfigSchema = z.strictObject({
  /** Refuse chains with more links than this. */
  max_links: z.number().int().min(1).default(100),
  /** Whole-run deadline: in-flight links are cancelled and the run fails. */
  timeout_ms: z.number().int().min(1).optional(),
  /** Links in flight at once; unbounded when absent. */
  max_concurrency: z.number().int().min(1).optional(),
});
export type ChainRunConfig = z.infer<typeof chainRunConfigSchema>;

/** A chain: inline under `chains:` or a standalone chain file (`id` then defaults to the file name). */
export const chainSchema = z.strictObject({
  id: z.string().min(1).optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  /** Visible to templates as `variables.*`; a run's variables override these. */
  variables: z.record(z.string(), z.unknown()).optional(),
  config: chainRunConfigSchema.optional(),
  links: z.array(chainLinkSchema),
});
export type ChainConfig = z.infer<typeof chainSchema>;

/**
 * The config's top-level `chains`: inline chains, or strings naming chain files or globs
 * (`chains/*.yaml`), resolved against the config file's folder.
 */
export const chainsConfigSchema = z.array(z.union([chainSchema, z.string().min(1)]));
export type ChainsConfig = z.infer<typeof chainsConfigSchema>;
