import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { load, ratio } from "../lib/load.js";
import { freePort, peakRssMiB, startChild, startMockForge } from "../lib/processes.js";

interface Stats {
  count: number;
  distinct: number;
  p50_ms: number | null;
  p99_ms: number | null;
  span_ms: number;
}

async function stats(url: string): Promise<Stats> {
  return (await fetch(`${url}/stats`)).json() as Promise<Stats>;
}

/** Waits (bounded) until the receiver has seen `n` distinct webhooks or stops making progress. */
async function drain(url: string, n: number, maxMs = 60_000): Promise<Stats> {
  const until = Date.now() + maxMs;
  let s = await stats(url);
  while (s.distinct < n && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    s = await stats(url);
  }
  return s;
}

/**
 * Issue 3: POST route with one webhook under 20 connections, against a bare relay that fires
 * the same webhook with fetch and no outbox. Durability on (SQLite outbox) for MockForge.
 */
export async function webhookFanout(tmp: string, seconds: number): Promise<Record<string, unknown>> {
  const rxPort = await freePort();
  const receiver = await startChild(process.execPath, ["bench/servers/receiver.mjs", String(rxPort)], /READY/);
  const rx = `http://127.0.0.1:${rxPort}`;
  const relayPort = await freePort();
  const relay = await startChild(process.execPath, ["bench/servers/bare-relay.mjs", String(relayPort), `${rx}/hook`], /READY/);
  const cfg = join(tmp, "fanout.yaml");
  writeFileSync(
    cfg,
    `routes:
  - path: /api/orders
    method: POST
    response: { status: 201, body: { id: "{{uuid}}", status: created } }
    webhooks:
      - url: "${rx}/hook"
        body: { event: order.created, id: "{{response.body.id}}", t: "{{now}}" }
`,
  );
  const mf = await startMockForge(cfg, join(tmp, "fanout.db"));
  const body = JSON.stringify({ items: [{ sku: "a", qty: 1 }] });
  const opts = { connections: 20, seconds, method: "POST", body, headers: { "content-type": "application/json" } };
  try {
    const relayLoad = await load(`http://127.0.0.1:${relayPort}/api/orders`, opts);
    const relayStats = await drain(rx, relayLoad.total);
    await fetch(`${rx}/reset`);
    const mfLoad = await load(`${mf.url}/api/orders`, opts);
    const mfStats = await drain(rx, mfLoad.total);
    const relayRate = relayStats.distinct / Math.max(1, relayStats.span_ms / 1000);
    const mfRate = mfStats.distinct / Math.max(1, mfStats.span_ms / 1000);
    return {
      relay: { requests_per_s: Math.round(relayLoad.rps), delivered_per_s: Math.round(relayRate), delivered_fraction: relayStats.distinct / relayLoad.total, p50_ms: relayStats.p50_ms, p99_ms: relayStats.p99_ms },
      mockforge: { requests_per_s: Math.round(mfLoad.rps), delivered_per_s: Math.round(mfRate), delivered_fraction: mfStats.distinct / mfLoad.total, p50_ms: mfStats.p50_ms, p99_ms: mfStats.p99_ms, peak_rss_mib: peakRssMiB(mf.proc.pid) },
      delivered_per_s_ratio: ratio(mfRate, relayRate),
      target_delivered_ratio: ">= 0.6",
      p99_ratio: relayStats.p99_ms ? ratio(mfStats.p99_ms ?? 0, relayStats.p99_ms) : "n/a",
      target_p99_ratio: "<= 2.0",
      delivered_fraction_target: "1.0",
    };
  } finally {
    await mf.stop();
    await relay.stop();
    await receiver.stop();
  }
}
