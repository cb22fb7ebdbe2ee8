/**
 * Which journal entries pruning drops, worked out from the page times the journal file keeps in
 * memory (see journal-file.ts), so pruning never reads the pages themselves.
 */

/** What the file keeps in memory about one stored page: enough to prune without reading it. */
export interface PageMeta {
  times: number[];
  /** The oldest and newest of `times`. */
  minTime: number;
  maxTime: number;
  dead: Set<number>;
}

export function timeRange(times: readonly number[]): { minTime: number; maxTime: number } {
  let minTime = Infinity;
  let maxTime = -Infinity;
  for (const t of times) {
    if (t < minTime) minTime = t;
    if (t > maxTime) maxTime = t;
  }
  return { minTime, maxTime };
}

/**
 * Marks dead all but the newest `keep` live entries of `pages` (by time, then page, then index in
 * the page) and returns how many it marked and the pages whose marks changed. It runs every
 * thousand requests on a busy server: one numeric sort finds the boundary.
 */
export function markOldestDead(pages: ReadonlyMap<number, PageMeta>, keep: number): { drop: number; changed: number[] } {
  let total = 0;
  for (const p of pages.values()) total += p.times.length - p.dead.size;
  const drop = total - keep;
  if (drop <= 0) return { drop: 0, changed: [] };
  // The newest time to drop is among the oldest pages: read times from pages in order of
  // their oldest entry until `drop` are in hand and no later page starts before the newest
  // of them (usually a page or two, not the whole journal).
  const byOldest = [...pages.values()].sort((a, b) => a.minTime - b.minTime);
  const candidates: number[] = [];
  let newestCandidate = -Infinity;
  for (const p of byOldest) {
    if (candidates.length >= drop && p.minTime >= newestCandidate) break;
    p.times.forEach((t, idx) => {
      if (p.dead.has(idx)) return;
      candidates.push(t);
      if (t > newestCandidate) newestCandidate = t;
    });
  }
  // The newest dropped time; ties at it go oldest first (page order, then index).
  const edge = Float64Array.from(candidates).sort()[drop - 1]!;
  let tiesToDrop = drop - candidates.filter((t) => t < edge).length;
  const changed: number[] = [];
  for (const [seq, p] of [...pages].sort((a, b) => a[0] - b[0])) {
    if (p.minTime > edge) continue;
    let newlyDead = 0;
    p.times.forEach((t, idx) => {
      if (p.dead.has(idx) || t > edge || (t === edge && tiesToDrop === 0)) return;
      if (t === edge) tiesToDrop--;
      p.dead.add(idx);
      newlyDead++;
    });
    if (newlyDead > 0) changed.push(seq);
  }
  return { drop, changed };
}
