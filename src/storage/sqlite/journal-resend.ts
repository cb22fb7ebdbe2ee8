/**
 * Which entries of a batch the journal file stores already: a batch resent after a journal
 * worker restart must be stored once (the JournalStore contract), without holding every
 * stored id in memory. An entry's id and time never change, so only entries no newer than the
 * newest stored one can repeat one. Those at the newest time (a batch that starts in the
 * millisecond the last one ended) are checked against the ids kept for that time (`NewestIds`);
 * anything older, a rare resend, reads the pages it overlaps (`storedIdsSince`).
 */
import type { JournalPageInput } from "../journal-codec.js";

/** The ids stored at the newest stored time: what a new batch's entries at that time are checked against. */
export interface NewestIds {
  time: number;
  ids: Set<string>;
}

/**
 * What `NewestIds` becomes after `b` was stored with its newest time `maxTime` (`newestBefore`:
 * the newest time stored before it). Null when not known.
 */
export function nextNewest(known: NewestIds | null, b: JournalPageInput, maxTime: number, newestBefore: number): NewestIds | null {
  if (known !== null && maxTime < known.time) return known;
  // Unknown before: known from now on only if no other page reaches this time.
  if (known === null && maxTime <= newestBefore) return null;
  const ids = known !== null && known.time === maxTime ? known.ids : new Set<string>();
  b.times.forEach((t, i) => t === maxTime && ids.add(b.ids[i]!));
  return { time: maxTime, ids };
}

/**
 * `b` without the entries whose id is already stored or earlier in `b`: usually `b` itself.
 * `newestStored`: the newest time stored; `storedIdsSince(t)`: every id in a page reaching `t`.
 */
export function withoutStoredIds(b: JournalPageInput, newestStored: number, newest: NewestIds | null, storedIdsSince: (since: number) => Set<string>): JournalPageInput {
  const seen = new Set<string>();
  let olderThanNewest = Infinity;
  const keep = b.ids.map((id, i) => {
    const fresh = !seen.has(id);
    seen.add(id);
    const t = b.times[i]!;
    if (!fresh || t > newestStored) return fresh;
    if (newest !== null && t === newest.time) return !newest.ids.has(id);
    if (t < olderThanNewest) olderThanNewest = t;
    return true;
  });
  if (olderThanNewest !== Infinity) {
    const stored = storedIdsSince(olderThanNewest);
    b.ids.forEach((id, i) => keep[i] && stored.has(id) && (keep[i] = false));
  }
  if (keep.every(Boolean)) return b;
  // The stored (packed) form, kept as it is.
  const entries = (JSON.parse(b.entries) as unknown[]).filter((_, i) => keep[i]);
  return { entries: JSON.stringify(entries), ids: b.ids.filter((_, i) => keep[i]), times: b.times.filter((_, i) => keep[i]) };
}
