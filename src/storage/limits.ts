/** Shared filter defaults, so every backend answers the same query the same way. */

/** How many records a `list` returns when the filter gives no `limit`. */
export const DEFAULT_LIST_LIMIT = 100;

/** The effective list limit: the default when absent, never negative, always an integer. */
export function listLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIST_LIMIT;
  return Math.max(0, Math.floor(limit));
}

/** The effective `max` for prune: a negative or fractional max keeps nothing / rounds down. */
export function pruneKeep(max: number): number {
  if (!Number.isFinite(max)) return max > 0 ? Number.MAX_SAFE_INTEGER : 0;
  return Math.max(0, Math.floor(max));
}

/** Delivery statuses that are finished and may therefore be pruned. */
export const FINISHED_DELIVERY_STATUSES = ["succeeded", "failed", "dead"] as const;
