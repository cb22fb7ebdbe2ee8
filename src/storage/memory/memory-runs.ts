import type { RunFilter, RunRecord, RunStore } from "../ports.js";
import { newInstanceId } from "../instance-id.js";
import { listLimit, pruneKeep } from "../limits.js";

interface Slot {
  seq: number;
  run: RunRecord;
  owner: string;
}

/** Runs in a map keyed by id; `put` replaces in place and keeps the first insertion order. */
export function createMemoryRuns(owner: string = newInstanceId()): RunStore {
  let runs = new Map<string, Slot>();
  let seq = 0;

  const newestFirst = (kind?: RunRecord["kind"]): Slot[] =>
    [...runs.values()]
      .filter((s) => kind === undefined || s.run.kind === kind)
      .sort((a, b) => b.run.startedAt - a.run.startedAt || b.seq - a.seq);

  return {
    async put(run) {
      const existing = runs.get(run.id);
      runs.set(run.id, { seq: existing?.seq ?? ++seq, run: structuredClone(run), owner });
    },
    async get(id) {
      const slot = runs.get(id);
      return slot ? structuredClone(slot.run) : undefined;
    },
    async list(filter: RunFilter = {}) {
      const limit = listLimit(filter.limit);
      const out: RunRecord[] = [];
      for (const { run } of newestFirst(filter.kind)) {
        if (out.length >= limit) break;
        if (filter.refId !== undefined && run.refId !== filter.refId) continue;
        if (filter.status !== undefined && run.status !== filter.status) continue;
        if (filter.since !== undefined && run.startedAt < filter.since) continue;
        out.push(structuredClone(run));
      }
      return out;
    },
    async prune(kind, max) {
      const doomed = newestFirst(kind).slice(pruneKeep(max));
      for (const s of doomed) runs.delete(s.run.id);
      return doomed.length;
    },
    async interruptOrphans(liveOwners, now) {
      let n = 0;
      for (const s of runs.values()) {
        if (s.run.status !== "running" || liveOwners.includes(s.owner)) continue;
        s.run = { ...s.run, status: "interrupted", finishedAt: now };
        n++;
      }
      return n;
    },
    async clear(kind) {
      if (kind === undefined) runs = new Map();
      else for (const [id, s] of runs) if (s.run.kind === kind) runs.delete(id);
    },
  };
}
