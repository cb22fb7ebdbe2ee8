import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";

const BIN = join(import.meta.dirname, "..", "..", "bin", "mockforge.js");

/** Runs the real CLI to completion (bounded) and returns its exit code and output. */
export function runCli(args: string[], opts: { cwd?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      p.kill("SIGKILL");
      reject(new Error(`mockforge ${args.join(" ")} did not finish in time:\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 20_000);
    p.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `mockforge serve` as a real process and resolves with its URL once it listens. */
export function startCliServer(args: string[], opts: { cwd?: string; env?: Record<string, string>; startTimeoutMs?: number } = {}): Promise<{ proc: ChildProcess; url: string; output: () => string }> {
  const startTimeoutMs = opts.startTimeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, "serve", ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const timer = setTimeout(() => {
      p.kill("SIGKILL");
      reject(new Error(`server did not start in ${startTimeoutMs} ms:\n${out}`));
    }, startTimeoutMs);
    const onData = (d: Buffer) => {
      out += d;
      const m = /MockForge serving .*? at (http:\/\/[^;\s"]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc: p, url: m[1]!, output: () => out });
      }
    };
    p.stdout.on("data", onData);
    p.stderr.on("data", onData);
    p.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
}

/** True when util-linux `script` is here to give the CLI a pseudo-terminal. */
export function hasScriptPty(): boolean {
  return spawnSync("script", ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * Runs the real CLI on a pseudo-terminal (util-linux `script`), so `process.stdout.isTTY` is
 * true in it. `type(text)` writes to the terminal as keys ("\x03" is Ctrl-C: the terminal sends
 * SIGINT); `waitFor` resolves once the output matches. Output is what the terminal received.
 */
export function startCliInPty(args: string[]): { output: () => string; type: (text: string) => void; waitFor: (re: RegExp, timeoutMs?: number) => Promise<void>; exited: Promise<number | null> } {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  // -e: exit with the command's code; -f: flush each write; -q: no start/done banners.
  const p = spawn("script", ["-qfec", command, "/dev/null"], { stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const onData = (d: Buffer) => {
    out += d;
    for (const w of [...waiters]) if (w.re.test(out)) w.resolve();
  };
  p.stdout.on("data", onData);
  p.stderr.on("data", onData);
  const exited = new Promise<number | null>((r) => p.on("exit", (c) => r(c)));
  return {
    output: () => out,
    type: (text) => void p.stdin.write(text),
    waitFor: (re, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        if (re.test(out)) return resolve();
        const t = setTimeout(() => {
          p.kill("SIGKILL");
          reject(new Error(`no ${re} in:\n${out}`));
        }, timeoutMs);
        waiters.push({ re, resolve: () => (clearTimeout(t), resolve()) });
      }),
    exited,
  };
}
