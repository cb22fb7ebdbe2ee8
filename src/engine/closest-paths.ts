/** One row of the distance table, reused: a 404 compares the path with up to 64 keys. */
let row = new Uint32Array(256);

/**
 * Edit distance, for "did you mean" hints on 404s. Bounded: paths are short. Past `limit` the
 * exact figure does not matter to the caller: it stops once every cell of a row exceeds it.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const m = b.length;
  if (row.length <= m) row = new Uint32Array(m + 1);
  for (let j = 0; j <= m; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    const ca = a.charCodeAt(i - 1);
    let least = i;
    for (let j = 1; j <= m; j++) {
      const up = row[j]!;
      let d = diag + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      if (up + 1 < d) d = up + 1;
      if (row[j - 1]! + 1 < d) d = row[j - 1]! + 1;
      row[j] = d;
      diag = up;
      if (d < least) least = d;
    }
    if (least > limit) return limit + 1;
  }
  return row[m]!;
}

/** Keys are compared on their first 200 characters: a longer request path is not a typo. */
const KEY_LIMIT = 200;

/** The `n` candidates closest to `target`, nearest first (ties keep the candidates' order). */
export function closest<T>(target: string, candidates: readonly T[], key: (c: T) => string, n = 3): T[] {
  const t = target.slice(0, KEY_LIMIT);
  return candidates
    .map((c) => ({ c, d: editDistance(t, key(c).slice(0, KEY_LIMIT)) }))
    .sort((x, y) => x.d - y.d)
    .slice(0, n)
    .map((x) => x.c);
}

/**
 * Up to this many candidates get an exact edit distance per query (about 10 µs each for a
 * typical route key): with more routes than this, the index below picks which ones.
 */
const EXACT_CANDIDATES = 32;
/**
 * Posting entries read per query at most, rarest trigrams first. The commonest trigrams
 * (`GET`, `/ap`) are in nearly every key and tell nothing; the budget stops before them.
 */
const POSTINGS_BUDGET = 20_000;

/**
 * "Closest routes" over a table of any size in bounded time per query. Up to
 * {@link EXACT_CANDIDATES} items every key is compared, as {@link closest} does. Above that, items are indexed by the
 * trigrams of their key; a query counts the trigrams each item shares with the target (rarest
 * trigrams first, within {@link POSTINGS_BUDGET}) and ranks only the best-sharing items by
 * exact edit distance. Keys within a small edit distance share most of their trigrams (the
 * q-gram lemma), so a typo in one segment still finds its route, which a per-segment index
 * would miss. Comparing a 404 with each of 10k routes took ~90 ms.
 */
export class ClosestIndex<T> {
  private readonly keys: string[];
  private postings: Map<string, number[]> | null = null;
  private counts: Uint16Array | null = null;

  constructor(
    private readonly items: readonly T[],
    key: (c: T) => string,
  ) {
    this.keys = items.map((c) => key(c).slice(0, KEY_LIMIT));
  }

  /** The `n` items whose keys are closest to `target`, nearest first. */
  closest(target: string, n = 3): T[] {
    const t = target.slice(0, KEY_LIMIT);
    const picked = this.items.length <= EXACT_CANDIDATES ? this.keys.map((_, i) => i) : this.candidates(t);
    // The n best so far, nearest first; a key that cannot beat the last of them stops early.
    const best: { i: number; d: number }[] = [];
    for (const i of picked) {
      const limit = best.length < n ? Infinity : best[n - 1]!.d;
      const d = editDistance(t, this.keys[i]!, limit);
      if (d >= limit) continue;
      best.push({ i, d });
      best.sort((x, y) => x.d - y.d || x.i - y.i);
      if (best.length > n) best.pop();
    }
    return best.map((x) => this.items[x.i]!);
  }

  /** Indexes of the items sharing the most trigrams with `t` (at most EXACT_CANDIDATES). */
  private candidates(t: string): number[] {
    const postings = this.index();
    const counts = (this.counts ??= new Uint16Array(this.items.length));
    const lists = [...new Set(trigrams(t))]
      .map((g) => postings.get(g))
      .filter((l): l is number[] => l !== undefined)
      .sort((a, b) => a.length - b.length);
    const touched: number[] = [];
    let budget = POSTINGS_BUDGET;
    for (const list of lists) {
      if (list.length > budget && touched.length > 0) break;
      budget -= list.length;
      for (const i of list) if (counts[i]++ === 0) touched.push(i);
    }
    // Bucket by shared count (at most one per trigram of the target), best first.
    const buckets: number[][] = [];
    for (const i of touched) (buckets[counts[i]!] ??= []).push(i);
    for (const i of touched) counts[i] = 0;
    const picked: number[] = [];
    for (let c = buckets.length - 1; c > 0 && picked.length < EXACT_CANDIDATES; c--) {
      for (const i of buckets[c] ?? []) {
        if (picked.length === EXACT_CANDIDATES) break;
        picked.push(i);
      }
    }
    // Nothing shared at all (a path unlike every route): the first items are as good as any.
    for (let i = 0; picked.length < Math.min(3, this.items.length) && i < this.items.length; i++) if (!picked.includes(i)) picked.push(i);
    return picked;
  }

  private index(): Map<string, number[]> {
    if (this.postings) return this.postings;
    const postings = new Map<string, number[]>();
    this.keys.forEach((k, i) => {
      for (const g of new Set(trigrams(k))) {
        const list = postings.get(g);
        if (list) list.push(i);
        else postings.set(g, [i]);
      }
    });
    return (this.postings = postings);
  }
}

/** The overlapping three-character pieces of `s`. */
function trigrams(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 3 <= s.length; i++) out.push(s.slice(i, i + 3));
  return out;
}
