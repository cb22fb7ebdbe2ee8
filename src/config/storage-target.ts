/**
 * The `storage` string resolved into what a backend needs. Relative SQLite files are taken
 * relative to the config file's folder, so a config behaves the same from any working directory.
 */
import { isAbsolute, resolve } from "node:path";

export type StorageTarget =
  | { kind: "sqlite"; /** Absolute file path, or `:memory:`. */ file: string }
  | { kind: "memory" }
  | { kind: "postgres"; url: string };

/**
 * @example
 * resolveStorageTarget("sqlite:.mockforge/state.db", "/srv/mocks") // { kind: "sqlite", file: "/srv/mocks/.mockforge/state.db" }
 * resolveStorageTarget("memory", "/srv/mocks")                     // { kind: "memory" }
 */
export function resolveStorageTarget(storage: string, baseDir: string): StorageTarget {
  if (storage === "memory") return { kind: "memory" };
  if (storage.startsWith("postgres://") || storage.startsWith("postgresql://")) return { kind: "postgres", url: storage };
  const file = storage.startsWith("sqlite:") ? storage.slice("sqlite:".length) : storage;
  if (file === ":memory:" || isAbsolute(file)) return { kind: "sqlite", file };
  return { kind: "sqlite", file: resolve(baseDir, file) };
}
