import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const REPO = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "mockforge-prepare-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Issue 15 item 16: `npx mockforge` in a checkout makes npm run `prepare` again. A checkout
 * whose dist/ is already built must not be rebuilt: the prepare script returns at once.
 * The checkout here has no typescript installed, so any attempt to build fails loudly.
 */
function checkout(name: string): string {
  const root = join(dir, name);
  mkdirSync(join(root, "src", "cli"), { recursive: true });
  mkdirSync(join(root, "dist", "bundle"), { recursive: true });
  cpSync(join(REPO, "bin"), join(root, "bin"), { recursive: true });
  cpSync(join(REPO, "scripts"), join(root, "scripts"), { recursive: true });
  writeFileSync(join(root, "package.json"), readFileSync(join(REPO, "package.json")));
  writeFileSync(join(root, "src", "cli", "main.ts"), "export {};\n");
  writeFileSync(join(root, "dist", "bundle", "main.cjs"), "exports.runCli = async () => {};\n");
  // The small bundle: which words are commands, and the top-level help.
  writeFileSync(join(root, "dist", "bundle", "help.cjs"), "exports.wantedCommand = (argv) => (['serve', 'validate'].includes(argv[2]) ? argv[2] : undefined);\nexports.runHelp = async () => console.log('help from dist');\n");
  return root;
}

const prepare = (root: string) => {
  const script = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts.prepare as string;
  return spawnSync("sh", ["-c", script], { cwd: root, encoding: "utf8", env: { ...process.env, PATH: `${join(root, "node_modules", ".bin")}:/usr/bin:/bin:${process.execPath.replace(/\/node$/, "")}` } });
};

describe("npm prepare", () => {
  it("does nothing when dist/ is newer than every source", () => {
    const root = checkout("fresh");
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(root, "src", "cli", "main.ts"), old, old);
    const before = statSync(join(root, "dist", "bundle", "main.cjs")).mtimeMs;
    const r = prepare(root);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(statSync(join(root, "dist", "bundle", "main.cjs")).mtimeMs).toBe(before);
  });

  it("builds when a source is newer than dist/ (here: fails, as no compiler is installed)", () => {
    const root = checkout("stale");
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(root, "dist", "bundle", "main.cjs"), old, old);
    const r = prepare(root);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/typescript/);
  });

  it("bin/mockforge.js uses the bundle in dist/ when it is fresh", () => {
    const root = checkout("bin");
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(root, "src", "cli", "main.ts"), old, old);
    writeFileSync(join(root, "dist", "bundle", "main.cjs"), "exports.runCli = async () => console.log('from dist');\n");
    expect(execFileSync(process.execPath, [join(root, "bin", "mockforge.js"), "serve"], { encoding: "utf8" })).toBe("from dist\n");
    // No command named: the small bundle answers, the main one is not read.
    writeFileSync(join(root, "dist", "bundle", "main.cjs"), "throw new Error('the main bundle was run');\n");
    expect(execFileSync(process.execPath, [join(root, "bin", "mockforge.js"), "--help"], { encoding: "utf8" })).toBe("help from dist\n");
  });

  it("keeps a V8 code cache of the bundle beside it, one for serve and one for the other commands, and runs from it", () => {
    const root = checkout("cache");
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(root, "src", "cli", "main.ts"), old, old);
    writeFileSync(join(root, "dist", "bundle", "main.cjs"), "exports.runCli = async (argv) => console.log('ran', argv[2]);\n");
    const run = (...args: string[]) => execFileSync(process.execPath, [join(root, "bin", "mockforge.js"), ...args], { encoding: "utf8" });
    // A run that fails (a config refused before serving) leaves no cache: it would hold too little.
    writeFileSync(join(root, "dist", "bundle", "main.cjs"), "exports.runCli = async (argv) => { process.exitCode = 1; };\n");
    expect(spawnSync(process.execPath, [join(root, "bin", "mockforge.js"), "serve"]).status).toBe(1);
    expect(readdirSync(join(root, "dist", "bundle")).filter((f) => f.endsWith(".cache"))).toEqual([]);
    writeFileSync(join(root, "dist", "bundle", "main.cjs"), "exports.runCli = async (argv) => console.log('ran', argv[2]);\n");
    expect(run("serve")).toBe("ran serve\n");
    const caches = () => readdirSync(join(root, "dist", "bundle")).filter((f) => f.startsWith("main.cjs.") && f.endsWith(".cache"));
    expect(caches()).toEqual([expect.stringMatching(/^main\.cjs\.serve-\d+-\d+\.cache$/)]);
    expect(run("serve")).toBe("ran serve\n"); // from the cache
    expect(run("validate")).toBe("ran validate\n");
    expect(caches()).toHaveLength(2);
    // A rebuilt bundle of the same length (V8 would take the old cache for it) runs its own code.
    writeFileSync(join(root, "dist", "bundle", "main.cjs"), "exports.runCli = async (argv) => console.log('new', argv[2]);\n");
    expect(run("serve")).toBe("new serve\n");
  });
});
