/** Small order statistics for the bench sections (no dependency, exact on the samples given). */

/** The q-quantile (0–1) of `values` by nearest rank; null when there are none. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The median (lower middle for an even count); null when there are none. */
export function median(values: readonly number[]): number | null {
  return quantile(values, 0.5);
}

/** Rounds to `digits` decimals, passing null through. */
export function round(value: number | null, digits = 2): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
