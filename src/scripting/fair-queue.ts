/**
 * The order runs get a worker in (issue 15, item 9): first come, first served, except that one
 * group (a route's scripts, a chain's, a rule's) may hold at most `cap` workers at once. Twenty
 * runaway scripts of one route then fill their share of the pool and wait among themselves,
 * while every other group's runs keep getting workers. Runs without a group are not capped.
 */
import type { ScriptRunJob } from "./script-run-job.js";

export class FairQueue {
  private jobs: ScriptRunJob[] = [];
  private readonly running = new Map<string, number>();

  /** `cap`: workers one group may hold at once (at least 1). */
  constructor(private readonly cap: number) {}

  get length(): number {
    return this.jobs.length;
  }

  push(job: ScriptRunJob): void {
    this.jobs.push(job);
  }

  /** Takes `job` out of the queue; false when it was not waiting (started or gone). */
  remove(job: ScriptRunJob): boolean {
    const i = this.jobs.indexOf(job);
    if (i < 0) return false;
    this.jobs.splice(i, 1);
    return true;
  }

  /** The oldest waiting run whose group is under its cap, taken out of the queue; null when none may start. */
  next(): ScriptRunJob | null {
    const i = this.jobs.findIndex((j) => j.group === null || (this.running.get(j.group) ?? 0) < this.cap);
    if (i < 0) return null;
    return this.jobs.splice(i, 1)[0]!;
  }

  /** Counts `job` against its group until it settles (synchronously, before its worker asks for the next run). */
  started(job: ScriptRunJob): void {
    const g = job.group;
    if (g === null) return;
    this.running.set(g, (this.running.get(g) ?? 0) + 1);
    job.onSettled(() => {
      const n = (this.running.get(g) ?? 1) - 1;
      if (n > 0) this.running.set(g, n);
      else this.running.delete(g);
    });
  }

  /** Empties the queue, returning what waited. */
  drain(): ScriptRunJob[] {
    const out = this.jobs;
    this.jobs = [];
    return out;
  }
}
