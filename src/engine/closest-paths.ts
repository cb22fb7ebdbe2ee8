/** Edit distance, for "did you mean" hints on 404s. Bounded: paths are short. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The `n` candidates closest to `target`, nearest first. */
export function closest<T>(target: string, candidates: T[], key: (c: T) => string, n = 3): T[] {
  return candidates
    .map((c) => ({ c, d: editDistance(target.slice(0, 200), key(c).slice(0, 200)) }))
    .sort((x, y) => x.d - y.d)
    .slice(0, n)
    .map((x) => x.c);
}
