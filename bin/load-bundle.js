// Runs the CLI bundle (dist/bundle/main.cjs) with a V8 code cache. Why: compiling the bundle was
// about a fifth of `serve`'s start (issue 20, start time), and Node 20 has no compile cache for
// ES modules (module.enableCompileCache came in Node 22), so the bundle is CommonJS, compiled
// here as a vm.Script with the cached data of an earlier run.
//
// The cache holds the functions a run compiled, so `serve` keeps its own (main.cjs.serve-….cache),
// every other command shares one (main.cjs.cli-….cache), and the small bundle of the command
// table and the top-level help has its own (help.cjs.help-….cache). A cache is written once,
// when the command's action has returned (for `serve`: once it listens) or at an exit with code
// 0, and again only when V8 rejects it (another Node version or flags). Written beside the bundle when that folder is
// writable, else not at all: a read-only install runs as it would without a cache.
import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Script, constants } from "node:vm";

/**
 * Loads `file`, a CommonJS bundle, from its code cache `<file>.<name>-<size>-<time>.cache`.
 * `save()` writes that cache when there was none (or V8 refused it): call it once the command
 * has done its start-up work; it is also called at exit.
 */
export function loadBundle(file, name) {
  // V8 checks a cache against the source's length, not its text: the name carries the bundle's
  // size and time, so a rebuilt bundle never runs another build's code (the build empties the
  // folder, old caches included).
  const { size, mtimeMs } = statSync(file);
  const cacheFile = `${file}.${name}-${size}-${Math.floor(mtimeMs)}.cache`;
  const { script, exports, cached } = compile(file, cacheFile);
  let saved = cached;
  const save = () => {
    if (saved) return;
    saved = true;
    try {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {
      // Not writable (a read-only install): run without a cache.
    }
  };
  // Not after a failed run (a config refused before it served): its cache would hold too little
  // of the command, and a cache that V8 accepts is never written again.
  process.once("exit", (code) => code === 0 && save());
  return { exports, save };
}

/**
 * Compiles and runs the bundle's top level. Apart from loadBundle so the source text and the
 * cache bytes are garbage once this returns (V8 keeps only its own copy of the source).
 */
function compile(file, cacheFile) {
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // CommonJS's own wrapper, on the first line so the bundle's line numbers stay as they are.
  // Read as latin1: the build makes it ASCII, and V8 then keeps it one byte a character.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, "latin1")}\n})`, {
    filename: file,
    cachedData,
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, createRequire(file), mod, file, dirname(file));
  return { script, exports: mod.exports, cached: cachedData !== undefined && !script.cachedDataRejected };
}
