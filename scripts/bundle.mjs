// Bundles the compiled CLI (dist/, from tsc) into dist/bundle/ with esbuild: the CLI as one
// CommonJS file, and the two worker entries. Why: Node's ESM loader spent about a quarter of `serve`'s start resolving
// and linking some 360 modules (ours and zod's); a handful of files start measurably faster
// (issue 20, start time). Only our code and zod are bundled; every other dependency stays a
// plain import (native addons, wasm files, pino's worker transports need their own files).
//
// dist/bundle/ sits two levels below the package root like every dist/<folder>/ file, so the
// paths our code builds from `import.meta.url` (package.json, src/ui, workers beside their
// caller) resolve the same from the bundle as from dist/.
import { build } from "esbuild";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const BUNDLED_DEPENDENCIES = new Set(["zod", "commander", "js-yaml", "jsep", "re2js", "pino"]);
const out = join(root, "dist", "bundle");

rmSync(out, { recursive: true, force: true });
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  target: "node20",
  external: Object.keys(pkg.dependencies).filter((d) => !BUNDLED_DEPENDENCIES.has(d)),
  logLevel: "warning",
};
// The CLI: one CommonJS file, because Node 20 compiles CommonJS from a V8 code cache
// (bin/load-bundle.js keeps one per command) and has no such cache for ES modules: compiling
// was a fifth of `serve`'s start. The subcommands' dynamic imports become lazily run functions
// of the one file, so `--help` still runs none of the server's code.
const cli = await build({
  ...common,
  // `help` is the command table and the top-level help alone: bin/mockforge.js reads it first,
  // and the 2.4 MB `main` only for a command line that names a command.
  entryPoints: { main: "dist/cli/run-cli.js", help: "dist/cli/run-help.js" },
  format: "cjs",
  outdir: out,
  outExtension: { ".js": ".cjs" },
  // Our code builds paths from `import.meta.url`: in CommonJS, the bundle's own file URL.
  define: { "import.meta.url": "__bundleUrl" },
  banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  // spawn-worker.ts's `import.meta.resolve` serves only a caller running from .ts sources.
  logOverride: { "empty-import-meta": "silent" },
  // ASCII code: esbuild escapes every other character in strings and regular expressions.
  charset: "ascii",
  write: false,
});
for (const f of cli.outputFiles) {
  // What is left outside ASCII is in comments (an em dash, an arrow), which esbuild copies as
  // written. One such character makes V8 hold the whole 2.4 MB source as UTF-16, twice the
  // memory for as long as the server runs: replaced, the source is one byte a character.
  mkdirSync(dirname(f.path), { recursive: true });
  writeFileSync(f.path, f.text.replace(/[^\x00-\x7f]/g, "?"));
}
// A dynamic import() in the bundle would fail once the bundle runs from its code cache: Node 20
// drops a cached vm.Script's import callback (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING). Lazy
// loads of packages use createRequire; our own modules' import() calls are inlined by esbuild.
// (esbuild prints string literals with double quotes; a JSDoc `import('…')` type is not code.)
for (const name of ["main.cjs", "help.cjs"]) {
  const dynamicImport = /[^.\w$]import\(\s*"/.exec(readFileSync(join(out, name), "utf8"));
  if (dynamicImport) throw new Error(`dist/bundle/${name} has a dynamic import() (at ${dynamicImport.index}): use createRequire for a lazily loaded package`);
}
// The workers, spawned by path beside their caller (src/core/spawn-worker.ts): the bundle that
// spawns them sits in dist/bundle/, so they must too, under the same relative names.
await build({
  ...common,
  entryPoints: {
    "worker/script-worker": "dist/scripting/worker/script-worker.js",
    "journal-worker": "dist/storage/sqlite/journal-worker.js",
  },
  splitting: true,
  format: "esm",
  outdir: out,
  chunkNames: "[name]-[hash]",
});
