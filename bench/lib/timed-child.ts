import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { freePort } from "./processes.js";

/** What one run of a child cost: wall time, CPU time (user + system) and peak RSS. */
export interface ChildCost {
  wallMs: number;
  /** CPU the child used: steadier than wall time on a machine shared with other work. */
  cpuMs: number | null;
  peakRssMiB: number | null;
  exitCode: number | null;
  output: string;
}

/** CPU ms (utime + stime, from /proc) and peak RSS of a live process; nulls off Linux. */
export function processCost(pid: number): { cpuMs: number | null; peakRssMiB: number | null } {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    const hz = 100; // USER_HZ on Linux
    const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / hz;
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return { cpuMs, peakRssMiB: m ? Math.round(Number(m[1]) / 1024) : null };
  } catch {
    return { cpuMs: null, peakRssMiB: null };
  }
}

/** The status of GET `path` on 127.0.0.1:`port`, 0 when nothing answers. */
export function getStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", () => resolve(0));
    req.end();
  });
}

/**
 * Spawns `mockforge serve` with `args` on a free port and polls `path` every 2 ms until it
 * answers 200: the time from spawn to the first 200 is what a user waits for. The child is
 * killed after it is measured. Bounded by `timeoutMs`.
 */
export async function timeToFirst200(args: string[], path: string, timeoutMs: number): Promise<ChildCost> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, ["bin/mockforge.js", "serve", ...args, "--port", String(port)], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, MOCKFORGE_LOG_LEVEL: "warn" } });
  let output = "";
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  let exitCode: number | null = null;
  child.once("exit", (code) => (exitCode = code ?? -1));
  let status = 0;
  while (status !== 200 && exitCode === null && performance.now() - t0 < timeoutMs) {
    status = await getStatus(port, path);
    if (status !== 200) await new Promise((r) => setTimeout(r, 2));
  }
  const wallMs = performance.now() - t0;
  const cost = processCost(child.pid!);
  const exited = new Promise((r) => (exitCode !== null ? r(null) : child.once("exit", r)));
  child.kill("SIGKILL");
  await exited;
  return { wallMs: status === 200 ? wallMs : Number.NaN, ...cost, exitCode: status === 200 ? 0 : exitCode, output };
}

/** Runs the CLI with `args` to its end, sampling its peak RSS and CPU just before it exits. */
export async function runCli(args: string[], timeoutMs: number): Promise<ChildCost> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ["bin/mockforge.js", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  // /proc of an exited child is gone: sample while it runs (VmHWM only grows; CPU is the last sample).
  let last = { cpuMs: null as number | null, peakRssMiB: null as number | null };
  const sampler = setInterval(() => {
    const c = processCost(child.pid!);
    if (c.cpuMs !== null) last = c;
  }, 20);
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const exitCode = await new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  clearInterval(sampler);
  clearTimeout(timer);
  return { wallMs: performance.now() - t0, ...last, exitCode, output };
}
