/**
 * The storage layer's public pieces. Domain code depends on the port types; only the
 * composition root (app.ts) picks a backend, usually through `openStorage`.
 */

// Ports: what the domain needs from a store.
export type {
  AttemptRecord,
  DeliveryFilter,
  DeliveryRecord,
  DeliveryStatus,
  DeliveryStore,
  Headers,
  JournalEntry,
  JournalFilter,
  JournalStore,
  RunFilter,
  RunRecord,
  RunStore,
  Storage,
  StoredRequest,
} from "./ports.js";

// Backends.
export { createMemoryStorage } from "./memory/memory-storage.js";
export { createSqliteStorage, type SqliteStorageOptions } from "./sqlite/sqlite-storage.js";

// Shared defaults.
export { DEFAULT_LIST_LIMIT } from "./limits.js";
