import autocannon from "autocannon";

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

/** Drives `url` with autocannon for `seconds` and returns the figures we report. */
/** `overallRate` fixes the offered load (requests/s across all connections) instead of going as fast as the server answers. */
/** `amount` ends the run after that many requests instead of after `seconds`. */
export async function load(url: string, opts: { connections: number; seconds: number; method?: string; body?: string; headers?: Record<string, string>; overallRate?: number; amount?: number }): Promise<LoadResult> {
  const r = await autocannon({
    url,
    connections: opts.connections,
    duration: opts.seconds,
    method: (opts.method ?? "GET") as "GET",
    body: opts.body,
    headers: opts.headers,
    ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
    ...(opts.amount ? { amount: opts.amount } : {}),
  });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    total: r.requests.total,
  };
}

export function ratio(a: number, b: number): string {
  return b > 0 ? (a / b).toFixed(2) : "n/a";
}
