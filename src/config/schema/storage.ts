/**
 * The `storage` section (SPEC §1): one string naming the backend, and the top-level `journal`
 * retention. Journal retention sits at the top level, not under `storage`, because it applies
 * to every backend and keeps `storage` the single string the spec shows.
 */
import { z } from "zod";

/** Relative to the config file's folder. */
export const DEFAULT_STORAGE = "sqlite:.mockforge/state.db";

const STORAGE_FORM = /^(memory|sqlite:.+|postgres(ql)?:\/\/.+)$/;

export const storageConfigSchema = z
  .string()
  .regex(STORAGE_FORM, {
    error: "must be `memory`, `sqlite:<file>` (for example sqlite:.mockforge/state.db) or `postgres://user:pass@host/db`",
  })
  .default(DEFAULT_STORAGE)
  .describe("`sqlite:<file>` (relative to the config file), `memory`, or `postgres://…`");

export type StorageConfig = z.infer<typeof storageConfigSchema>;

export const DEFAULT_JOURNAL_MAX_ENTRIES = 10_000;

/**
 * Retention of what is recorded: the newest `max_entries` requests, and the newest `max_runs`
 * runs of each kind (chain, rule, route script and scenario runs), older ones pruned by the
 * store (storage/retention.ts) every tenth of the limit written.
 */
export const journalConfigSchema = z.strictObject({
  max_entries: z
    .number()
    .int()
    .min(1)
    .default(DEFAULT_JOURNAL_MAX_ENTRIES)
    .describe("Requests kept in the journal; the oldest are pruned past this"),
  max_runs: z
    .number()
    .int()
    .min(1)
    .default(1000)
    .describe("Runs kept per kind (chain, rule, route script and scenario runs); the oldest are pruned past this"),
});

export type JournalConfig = z.infer<typeof journalConfigSchema>;
