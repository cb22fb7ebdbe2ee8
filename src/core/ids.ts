import type { Random } from "./random.js";

/**
 * Prefixed, time-sortable ids: `<prefix>_<12 hex ms><8 hex random>`. Sorting ids as strings
 * sorts them by creation time, which the stores rely on for "newest first".
 */
export type IdPrefix = "req" | "dlv" | "msg" | "att" | "run" | "trc" | "log";

export function newId(prefix: IdPrefix, now: number, random: Random): string {
  return `${prefix}_${Math.floor(now).toString(16).padStart(12, "0")}${random.hex(4)}`;
}
