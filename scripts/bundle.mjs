// Bundles the compiled CLI (dist/, from tsc) into dist/bundle/ with esbuild: the CLI entry and
// the two worker entries, with the code they share split into chunks and each sub-command still
// loaded on demand. Why: Node's ESM loader spent about a quarter of `serve`'s start resolving
// and linking some 360 modules (ours and zod's); a handful of files start measurably faster
// (issue 20, start time). Only our code and zod are bundled; every other dependency stays a
// plain import (native addons, wasm files, pino's worker transports need their own files).
//
// dist/bundle/ sits two levels below the package root like every dist/<folder>/ file, so the
// paths our code builds from `import.meta.url` (package.json, src/ui, workers beside their
// caller) resolve the same from the bundle as from dist/.
import { build } from "esbuild";
import { readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const BUNDLED_DEPENDENCIES = new Set(["zod"]);
const out = join(root, "dist", "bundle");

rmSync(out, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    main: "dist/cli/main.js",
    // Spawned by path beside their caller (src/core/spawn-worker.ts): the chunks that call
    // them sit in dist/bundle/, so the workers must too, under the same relative names.
    "worker/script-worker": "dist/scripting/worker/script-worker.js",
    "journal-worker": "dist/storage/sqlite/journal-worker.js",
  },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outdir: out,
  chunkNames: "[name]-[hash]",
  external: Object.keys(pkg.dependencies).filter((d) => !BUNDLED_DEPENDENCIES.has(d)),
  logLevel: "warning",
});
