/**
 * What a `scenario run` started besides its own steps: runs of consistency rules that its
 * requests matched (and the chains they ran), and queued deliveries (hook and rule webhooks).
 * The CLI waits for all of it, bounded, before it reports, so nothing it started is cut off
 * unseen when the in-process server closes.
 */
import type { RunningApp } from "../app.js";
import { fromRunRecord, type ChainRun } from "../chains/index.js";
import type { Clock } from "../core/clock.js";
import { ruleRunFrom, type RuleRun } from "../rules/rule-run.js";
import type { DeliveryRecord } from "../storage/ports.js";

export interface Aftermath {
  rules: { run: RuleRun; chain: ChainRun | null }[];
  /** Queued deliveries made since the run started. */
  deliveries: DeliveryRecord[];
  /** True when the wait ran out with work still going. */
  timedOut: boolean;
  timeoutMs: number;
}

/**
 * Waits until no rule run and no queued delivery is going (each can start the other: a rule's
 * webhook served by this server may match a rule again), or `timeoutMs` is spent.
 */
export async function settle(app: RunningApp, clock: Clock, timeoutMs: number): Promise<boolean> {
  const deadline = clock.monotonic() + timeoutMs;
  for (;;) {
    const left = () => Math.max(0, deadline - clock.monotonic());
    const rulesIdle = await app.services.rules.drain(left());
    const pending = await app.services.deliveries.drain(left());
    if (rulesIdle && pending === 0 && (await app.services.rules.drain(0))) return true;
    if (left() <= 0) return false;
  }
}

/** Reads what was started since `sinceMs` from the app's storage. */
export async function collect(app: RunningApp, sinceMs: number, timedOut: boolean, timeoutMs: number): Promise<Aftermath> {
  const storage = app.services.storage;
  const ruleRecords = await storage.runs.list({ kind: "rule", since: sinceMs, limit: 1000 });
  const rules = await Promise.all(
    ruleRecords.reverse().map(async (r) => {
      const run = ruleRunFrom(r.data);
      const chainRecord = run.chainRunId ? await storage.runs.get(run.chainRunId) : undefined;
      return { run, chain: chainRecord ? fromRunRecord(chainRecord) : null };
    }),
  );
  const deliveries = (await storage.deliveries.list({ since: sinceMs, limit: 1000 })).filter((d) => d.mode === "queued").reverse();
  return { rules, deliveries, timedOut, timeoutMs };
}

/** Failed, or not finished when the wait ran out; a rule the loop guard suppressed is neither. */
export function ruleFailed(r: Aftermath["rules"][number]): boolean {
  return r.run.status === "failed" || r.run.status === "running" || (r.chain !== null && r.chain.status !== "succeeded");
}

export function deliveryFailed(d: DeliveryRecord): boolean {
  return d.status !== "succeeded";
}
