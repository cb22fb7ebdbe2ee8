import type { Random } from "./random.js";

/**
 * Prefixed, time-sortable ids: `<prefix>_<12 hex ms><8 hex random>`. Sorting ids as strings
 * sorts them by creation time, which the stores rely on for "newest first".
 */
export type IdPrefix = "req" | "dlv" | "msg" | "att" | "run" | "trc" | "log" | "mbr" | "sub";

// Every served request takes an id, and a busy server makes many within one millisecond:
// the hex of the last millisecond is kept rather than formatted again.
let lastMs = Number.NaN;
let lastMsHex = "";

export function newId(prefix: IdPrefix, now: number, random: Random): string {
  const ms = Math.floor(now);
  if (ms !== lastMs) {
    lastMs = ms;
    lastMsHex = ms.toString(16).padStart(12, "0");
  }
  return `${prefix}_${lastMsHex}${random.hex(4)}`;
}

/** The millisecond an id made by `newId` carries, or null for any other string. */
export function idMillisecond(id: string): number | null {
  const m = /^[a-z]+_([0-9a-f]{12})[0-9a-f]{8}$/.exec(id);
  return m ? parseInt(m[1]!, 16) : null;
}
