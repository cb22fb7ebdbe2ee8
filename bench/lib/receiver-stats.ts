/** What bench/servers/receiver.mjs reports at GET /stats. */
export interface ReceiverStats {
  count: number;
  distinct: number;
  p50_ms: number | null;
  p99_ms: number | null;
  span_ms: number;
}

export async function receiverStats(url: string): Promise<ReceiverStats> {
  return (await fetch(`${url}/stats`)).json() as Promise<ReceiverStats>;
}

/** Waits (bounded) until the receiver has seen `n` distinct webhooks or `maxMs` has passed. */
export async function drainReceiver(url: string, n: number, maxMs = 60_000): Promise<ReceiverStats> {
  const until = Date.now() + maxMs;
  let s = await receiverStats(url);
  while (s.distinct < n && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    s = await receiverStats(url);
  }
  return s;
}
