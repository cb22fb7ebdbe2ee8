import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startCliServer } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "mockforge-loads-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const RECORDER = join(import.meta.dirname, "fixtures", "record-loads", "record-loads.mjs");

/** The packages (node_modules/<name>) named in a recorder's file so far. */
function packagesIn(out: string): Set<string> {
  const names = readFileSync(out, "utf8")
    .split("\n")
    .map((l) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(l)?.[1] ?? (l.startsWith("require ") && !l.includes("/") && !l.includes(":") ? l.slice(8) : undefined))
    .filter((n): n is string => n !== undefined);
  return new Set(names);
}

/**
 * Serves `config` with the recorder, and returns the packages it loaded until it answered its
 * first request; `then` runs against the live server afterwards.
 */
async function packagesLoadedBy(config: string, name: string, then: (url: string) => Promise<void> = async () => {}, path = "/a"): Promise<Set<string>> {
  const file = config.endsWith(".yaml") ? config : join(dir, `${name}.yaml`);
  if (file !== config) writeFileSync(file, config);
  const out = join(dir, `${name}.loads`);
  writeFileSync(out, "");
  const { proc, url } = await startCliServer(["--config", file, "--state", join(dir, `${name}.db`), "--port", "0"], {
    env: { LOADED_OUT: out, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${RECORDER}`.trim() },
    startTimeoutMs: 60_000,
  });
  try {
    expect((await fetch(`${url}${path}`)).status).toBe(200);
    const loaded = packagesIn(out);
    await then(url);
    return loaded;
  } finally {
    proc.kill("SIGTERM");
    await new Promise((r) => proc.once("exit", r));
  }
}

async function post(url: string, body: unknown): Promise<{ status: number; code?: string }> {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const j = (await r.json()) as { error?: { code: string } };
  return { status: r.status, ...(j.error ? { code: j.error.code } : {}) };
}

// Issue 20, start time: a server loads only what its config uses. Each of these cost every start
// tens of milliseconds of CPU (pg ~90 ms, yaml ~60 ms, QuickJS ~60 ms and 11 MiB) when they were
// imported statically.
describe("what `serve` loads", () => {
  it("a SQLite server of plain routes loads neither pg nor the yaml document parser", async () => {
    const loaded = await packagesLoadedBy("routes:\n  - path: /a\n    response:\n      body: { ok: true }\n", "plain");
    expect(loaded.has("libsql")).toBe(true); // the recorder saw the SQLite store being opened
    expect(loaded.has("pg")).toBe(false);
    expect(loaded.has("yaml")).toBe(false);
    // Routes and the admin API are matched by our segment router (engine/segment-router.ts).
    expect(loaded.has("find-my-way")).toBe(false);
  }, 90_000);

  it("the bundled example places its one warning (a route shadowing a request log) without the yaml document parser", async () => {
    const example = join(import.meta.dirname, "..", "examples", "mockforge.yaml");
    const loaded = await packagesLoadedBy(example, "example", async () => {}, "/api/orders/1");
    expect(loaded.has("yaml")).toBe(false);
  }, 90_000);

  it("loads QuickJS only when a script is to be checked: not at start, but for a route or chain added with one", async () => {
    const loaded = await packagesLoadedBy("routes:\n  - path: /a\n    response:\n      body: { ok: true }\n", "scriptless", async (url) => {
      expect(await post(`${url}/__mockforge/routes`, { path: "/s", script: "const x = ;" })).toEqual({ status: 400, code: "MFG_ERR_SCRIPT_SYNTAX" });
      expect(await post(`${url}/__mockforge/routes`, { path: "/s", script: "response.body = { ok: true };" })).toEqual({ status: 201 });
      const chain = { id: "c", links: [{ request: { id: "a", method: "GET", url: `${url}/a` }, scripting: { post_script: "const x = ;" } }] };
      expect((await post(`${url}/__mockforge/chains`, chain)).status).toBe(400);
    });
    expect(loaded.has("quickjs-emscripten")).toBe(false);
  }, 90_000);
});
