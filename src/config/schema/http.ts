/**
 * The `http` section: where the one server listens (SPEC §1). Plain zod, no transforms, so the
 * config normaliser can walk it.
 */
import { z } from "zod";

/** 10 MiB: large enough for any webhook payload, small enough that a stray upload cannot exhaust memory. */
export const DEFAULT_BODY_LIMIT_BYTES = 10 * 1024 * 1024;

export const httpConfigSchema = z.strictObject({
  port: z.number().int().min(0).max(65_535).default(3000).describe("TCP port; 0 picks a free one"),
  host: z.string().min(1).default("127.0.0.1").describe("Interface to listen on; 0.0.0.0 for every interface"),
  base_url: z
    .url({ error: "must be an absolute URL such as http://localhost:3000" })
    .optional()
    .describe("What `{{base_url}}` renders to; derived from host and port when absent"),
  body_limit_bytes: z
    .number()
    .int()
    .min(1)
    .default(DEFAULT_BODY_LIMIT_BYTES)
    .describe("Larger request bodies are answered with 413 (and still journaled)"),
  admin_token: z
    .string()
    .min(1)
    .optional()
    .describe("When set, the admin API under /__mockforge requires `Authorization: Bearer <token>`"),
});

export type HttpConfig = z.infer<typeof httpConfigSchema>;
