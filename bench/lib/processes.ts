import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** A free TCP port on 127.0.0.1 (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Child {
  proc: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts a process and resolves once a line of its output matches `ready` (bounded by `timeoutMs`). */
export function startChild(cmd: string, args: string[], ready: RegExp, env: Record<string, string> = {}, timeoutMs = 20_000): Promise<Child> {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`${cmd} ${args.join(" ")} not ready within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve({
          proc,
          output: () => out,
          stop: () =>
            new Promise<void>((r) => {
              // A process killed by a signal has exitCode null and signalCode set: already gone.
              if (proc.exitCode !== null || proc.signalCode !== null) return r();
              proc.once("exit", () => r());
              proc.kill("SIGTERM");
              setTimeout(() => proc.kill("SIGKILL"), 5_000).unref();
            }),
        });
      }
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", onData);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} exited with ${code} before it was ready:\n${out}`));
    });
  });
}

/** Peak resident set size of a process in MiB (Linux VmHWM), or null elsewhere. */
export function peakRssMiB(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** Starts `mockforge serve` on a config, on a free port, with its own state file (null: `--ephemeral`, state in memory). */
export async function startMockForge(config: string, stateFile: string | null, extraEnv: Record<string, string> = {}): Promise<Child & { url: string }> {
  const port = await freePort();
  const child = await startChild(
    process.execPath,
    ["bin/mockforge.js", "serve", "--config", config, "--port", String(port), ...(stateFile === null ? ["--ephemeral"] : ["--state", stateFile])],
    /MockForge serving/,
    { MOCKFORGE_LOG_LEVEL: "info", ...extraEnv },
  );
  return { ...child, url: `http://127.0.0.1:${port}` };
}
