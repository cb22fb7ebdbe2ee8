/**
 * The storage layer's public pieces. Domain code depends on the port types; only the
 * composition root (app.ts) picks a backend, usually through `openStorage`.
 */

// Ports: what the domain needs from a store.
export type {
  AttemptRecord,
  DeliveryFilter,
  DeliveryLease,
  DeliveryRecord,
  DeliveryStatus,
  DeliveryStore,
  Headers,
  JournalEntry,
  JournalFilter,
  JournalStore,
  MemberRecord,
  MemberStore,
  RunFilter,
  RunRecord,
  RunStore,
  SharedChange,
  SharedStateStore,
  SignalTopic,
  StoreSignals,
  Storage,
  StoredRequest,
  TraceCountStore,
} from "./ports.js";
export { BODY_IS_PARSED_RAW } from "./ports.js";

// Opening a store from the config's `storage` value.
export { openStorage, STORAGE_SPEC_FORMS, type OpenStorageDeps } from "./open-storage.js";
export { withRetention, type RetainedStorage, type RetentionLimits } from "./retention.js";

// Backends.
export { createMemoryStorage } from "./memory/memory-storage.js";
export { createSqliteStorage, type SqliteStorageOptions } from "./sqlite/sqlite-storage.js";
// PostgreSQL is not re-exported as a value here: this barrel is on every server's start path, and
// the adapter would load `pg` with it. openStorage imports it for a postgres URL; the package
// entry (src/index.ts) exports it directly.
export type { PostgresStorageOptions } from "./postgres/postgres-storage.js";

// Shared defaults.
export { DEFAULT_LIST_LIMIT } from "./limits.js";
