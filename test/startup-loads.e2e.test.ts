import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startCliServer } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "mockforge-loads-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const RECORDER = join(import.meta.dirname, "fixtures", "record-loads", "record-loads.mjs");

/** The packages (node_modules/<name>) a `serve` of `config` loaded until it answered and stopped. */
async function packagesLoadedBy(config: string, name: string): Promise<Set<string>> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, config);
  const out = join(dir, `${name}.loads`);
  writeFileSync(out, "");
  const { proc, url } = await startCliServer(["--config", file, "--state", join(dir, `${name}.db`), "--port", "0"], {
    env: { LOADED_OUT: out, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${RECORDER}`.trim() },
    startTimeoutMs: 60_000,
  });
  try {
    expect((await fetch(`${url}/a`)).status).toBe(200);
  } finally {
    proc.kill("SIGTERM");
    await new Promise((r) => proc.once("exit", r));
  }
  const names = readFileSync(out, "utf8")
    .split("\n")
    .map((l) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(l)?.[1] ?? (l.startsWith("require ") && !l.includes("/") && !l.includes(":") ? l.slice(8) : undefined))
    .filter((n): n is string => n !== undefined);
  return new Set(names);
}

// Issue 20, start time: a server loads only what its config uses. Each of these cost every start
// tens of milliseconds of CPU (pg ~90 ms, yaml ~60 ms) when they were imported statically.
describe("what `serve` loads", () => {
  it("a SQLite server of plain routes loads neither pg nor the yaml document parser", async () => {
    const loaded = await packagesLoadedBy("routes:\n  - path: /a\n    response:\n      body: { ok: true }\n", "plain");
    expect(loaded.has("libsql")).toBe(true); // the recorder saw the SQLite store being opened
    expect(loaded.has("pg")).toBe(false);
    expect(loaded.has("yaml")).toBe(false);
  }, 90_000);
});
