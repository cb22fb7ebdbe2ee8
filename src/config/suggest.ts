/** "Did you mean …?" for unknown keys and enum values. */

/** Optimal-string-alignment distance: Levenshtein plus adjacent transpositions (`mehtod`). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
    }
  }
  return d[a.length][b.length];
}

/** Compares spellings loosely: case and `_`/`-` do not count, so `Delay-MS` is near `delay_ms`. */
function fold(s: string): string {
  return s.toLowerCase().replace(/[_-]/g, "");
}

/**
 * The candidate nearest to `word`, or null when none is close enough to be a plausible typo.
 * Close enough: at most 1 edit for short words, about a third of the length for longer ones,
 * or `word` is a prefix (3+ characters) of exactly one candidate.
 *
 * @example
 * nearest("methd", ["path", "method", "response"]) // "method"
 */
export function nearest(word: string, candidates: readonly string[]): string | null {
  const w = fold(word);
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const dist = editDistance(w, fold(c));
    if (dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  const allowed = w.length <= 3 ? 1 : Math.max(2, Math.floor(w.length / 3));
  if (best !== null && bestDistance <= allowed) return best;
  if (w.length >= 3) {
    const prefixed = candidates.filter((c) => fold(c).startsWith(w));
    if (prefixed.length === 1) return prefixed[0];
  }
  return null;
}
