import type { Clock } from "../core/clock.js";
import { MockForgeError } from "../core/errors.js";
import { silentLogger, type Logger } from "../core/logger.js";
import { createMemoryStorage } from "./memory/memory-storage.js";
import type { Storage } from "./ports.js";
import { withRetention, type RetentionLimits } from "./retention.js";
import { createSqliteStorage } from "./sqlite/sqlite-storage.js";

/** What `openStorage` takes from the composition root. */
export interface OpenStorageDeps {
  clock: Clock;
  /** Where background storage failures are reported. Default: silent. */
  logger?: Logger;
  /** This process's id in the store (see `Storage.instanceId`). Default: a fresh one. */
  instanceId?: string;
  /** This process sends deliveries from the store: a SQLite file takes its single-owner lock. */
  owner?: boolean;
  /**
   * How many of each kind the store keeps (see retention.ts): given by a server and `chain run`
   * (from the config); absent for a command that only reads or edits the state file.
   */
  retention?: RetentionLimits;
}

/** What `openStorage` accepts, for messages and docs. */
export const STORAGE_SPEC_FORMS = ["memory", "sqlite:<path>", "<path>.db", "postgres://…", "postgresql://…"] as const;

/**
 * Opens the store a config's `storage` value names:
 * `memory`, `sqlite:<path>` (or a bare path ending in `.db`), or a `postgres://` /
 * `postgresql://` URL (tables prefixed `mockforge_`).
 *
 * @example
 * const storage = await openStorage("sqlite:.mockforge/state.db", { clock: systemClock });
 * const memory = await openStorage("memory", { clock, retention: { journal: 10_000, runs: 1000, deliveries: 10_000 } });
 */
export async function openStorage(spec: string, deps: OpenStorageDeps): Promise<Storage> {
  const storage = await openBackend(spec, deps);
  return deps.retention ? withRetention(storage, deps.retention, deps.logger ?? silentLogger) : storage;
}

async function openBackend(spec: string, deps: OpenStorageDeps): Promise<Storage> {
  const value = spec.trim();
  const logger = { ...(deps.logger ? { logger: deps.logger } : {}), ...(deps.instanceId ? { instanceId: deps.instanceId } : {}), ...(deps.owner ? { owner: true } : {}) };
  if (value === "memory") return createMemoryStorage(deps.instanceId ? { instanceId: deps.instanceId } : {});
  if (value.startsWith("sqlite:")) {
    const path = value.slice("sqlite:".length);
    if (path === "") throw unsupported(spec, "`sqlite:` needs a file path after the colon");
    return createSqliteStorage(path, { clock: deps.clock, ...logger });
  }
  if (/^postgres(ql)?:\/\//i.test(value)) {
    // Loaded only for a postgres URL: `pg` costs a SQLite or memory server ~90 ms of start.
    const { createPostgresStorage } = await import("./postgres/postgres-storage.js");
    return createPostgresStorage(value, { clock: deps.clock, ...logger });
  }
  if (/\.db$/i.test(value) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    return createSqliteStorage(value, { clock: deps.clock, ...logger });
  }
  throw unsupported(spec, "it is not one of the accepted forms");
}

function unsupported(spec: string, why: string): MockForgeError {
  return new MockForgeError("MFG_ERR_STORAGE_UNSUPPORTED", `Unsupported storage '${spec}': ${why}`, {
    hint: `Use one of: ${STORAGE_SPEC_FORMS.join(", ")} (for example sqlite:.mockforge/state.db).`,
  });
}
